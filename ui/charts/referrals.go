package charts

import (
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Value is a label and a number, for the referral figures.
type Value struct {
	Label string
	V     float64
}

// PlatformBars is a bar chart of one figure per platform (referrals,
// removal rate, days to removal...), for paper: the ledger page is light.
func PlatformBars(title, unit, colour string, values []Value) map[string]any {
	bar := charts.NewBar()
	bar.SetGlobalOptions(
		charts.WithTitleOpts(opts.Title{Title: title, TitleStyle: &opts.TextStyle{Color: fg(false), FontSize: 14}}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithYAxisOpts(opts.YAxis{Name: unit, AxisLabel: &opts.AxisLabel{Color: fg(false)}}),
		charts.WithXAxisOpts(opts.XAxis{AxisLabel: &opts.AxisLabel{Color: fg(false), Interval: "0", Rotate: 30}}),
		charts.WithAnimation(false),
	)
	x := make([]string, len(values))
	y := make([]opts.BarData, len(values))
	for i, v := range values {
		x[i] = v.Label
		y[i] = opts.BarData{Value: v.V}
	}
	bar.SetXAxis(x).AddSeries(unit, y, charts.WithItemStyleOpts(opts.ItemStyle{Color: colour}))
	bar.Validate()
	return bar.JSON()
}
