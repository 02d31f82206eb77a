// Package charts builds the console's go-echarts options. It holds no
// state: counts in, chart options out; the page renders them with the
// echarts library served by watchroom itself.
package charts

import (
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Bucket is a count of hits starting at Start.
type Bucket struct {
	Start time.Time
	Count int
}

// HitsOverTime is a bar chart of hits per time bucket, labelled in loc.
// It returns the echarts option object, ready to encode as JSON.
func HitsOverTime(title string, buckets []Bucket, loc *time.Location) map[string]any {
	bar := charts.NewBar()
	bar.SetGlobalOptions(
		charts.WithTitleOpts(opts.Title{Title: title, TitleStyle: &opts.TextStyle{Color: "#e6e6e6", FontSize: 14}}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithYAxisOpts(opts.YAxis{Name: "hits", MinInterval: 1, AxisLabel: &opts.AxisLabel{Color: "#cfcfcf"}}),
		charts.WithXAxisOpts(opts.XAxis{AxisLabel: &opts.AxisLabel{Color: "#cfcfcf"}}),
		charts.WithAnimation(false),
	)
	x := make([]string, len(buckets))
	y := make([]opts.BarData, len(buckets))
	for i, b := range buckets {
		x[i] = b.Start.In(loc).Format("15:04")
		y[i] = opts.BarData{Value: b.Count}
	}
	bar.SetXAxis(x).AddSeries("hits", y, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#f0b429"}))
	bar.Validate()
	return bar.JSON()
}
