package charts

import (
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Series is one named line or bar series over a category axis.
type Series struct {
	Name   string
	Values []int
	Line   bool // drawn as a line; otherwise bars
}

// Counts is a horizontal bar chart of labelled counts, biggest on top, for
// paper and the console's light pages.
func Counts(title string, counts []Counted) map[string]any {
	return TopTerms(title, counts, false)
}

// Weekly is a chart of several series over the same labels (weeks):
// bars for counts in a week, lines for a level such as the backlog.
func Weekly(title string, labels []string, series []Series) map[string]any {
	bar := charts.NewBar()
	bar.SetGlobalOptions(
		charts.WithTitleOpts(opts.Title{Title: title, TitleStyle: &opts.TextStyle{Color: fg(false), FontSize: 14}}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "bottom", TextStyle: &opts.TextStyle{Color: fg(false)}}),
		charts.WithYAxisOpts(opts.YAxis{Name: "requests", MinInterval: 1, AxisLabel: &opts.AxisLabel{Color: fg(false)}}),
		charts.WithXAxisOpts(opts.XAxis{AxisLabel: &opts.AxisLabel{Color: fg(false)}}),
		charts.WithAnimation(false),
	)
	bar.SetXAxis(labels)
	for _, s := range series {
		if s.Line {
			line := charts.NewLine()
			data := make([]opts.LineData, len(s.Values))
			for i, v := range s.Values {
				data[i] = opts.LineData{Value: v}
			}
			line.SetXAxis(labels).AddSeries(s.Name, data)
			bar.Overlap(line)
			continue
		}
		data := make([]opts.BarData, len(s.Values))
		for i, v := range s.Values {
			data[i] = opts.BarData{Value: v}
		}
		bar.AddSeries(s.Name, data)
	}
	bar.Validate()
	return bar.JSON()
}
