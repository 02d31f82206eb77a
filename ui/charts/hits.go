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

// HitsOverTime is a bar chart of hits per time bucket, labelled in loc
// (dark: light text for the boards' dark theme; otherwise for paper).
// It returns the echarts option object, ready to encode as JSON.
func HitsOverTime(title string, buckets []Bucket, loc *time.Location, dark bool) map[string]any {
	fg, axis, layout := "#222222", "#333333", "15:04"
	if dark {
		fg, axis = "#e6e6e6", "#cfcfcf"
	}
	if len(buckets) > 1 && buckets[len(buckets)-1].Start.Sub(buckets[0].Start) > 24*time.Hour {
		layout = "Mon 15:04"
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(
		charts.WithTitleOpts(opts.Title{Title: title, TitleStyle: &opts.TextStyle{Color: fg, FontSize: 14}}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithYAxisOpts(opts.YAxis{Name: "hits", MinInterval: 1, AxisLabel: &opts.AxisLabel{Color: axis}}),
		charts.WithXAxisOpts(opts.XAxis{AxisLabel: &opts.AxisLabel{Color: axis}}),
		charts.WithAnimation(false),
	)
	x := make([]string, len(buckets))
	y := make([]opts.BarData, len(buckets))
	for i, b := range buckets {
		x[i] = b.Start.In(loc).Format(layout)
		y[i] = opts.BarData{Value: b.Count}
	}
	bar.SetXAxis(x).AddSeries("hits", y, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#f0b429"}))
	bar.Validate()
	return bar.JSON()
}

// Counted is a label and a count, for bar and pie charts.
type Counted struct {
	Label string
	N     int
}

func fg(dark bool) string {
	if dark {
		return "#e6e6e6"
	}
	return "#222222"
}

// TopTerms is a horizontal bar chart of the most matched terms.
func TopTerms(title string, counts []Counted, dark bool) map[string]any {
	bar := charts.NewBar()
	bar.SetGlobalOptions(
		charts.WithTitleOpts(opts.Title{Title: title, TitleStyle: &opts.TextStyle{Color: fg(dark), FontSize: 14}}),
		// every term's label shown (interval 0), and room made for the
		// longest inside the chart (containLabel), so none is clipped
		charts.WithYAxisOpts(opts.YAxis{AxisLabel: &opts.AxisLabel{Color: fg(dark), Interval: "0"}}),
		charts.WithGridOpts(opts.Grid{ContainLabel: opts.Bool(true), Left: "2%", Right: "4%", Bottom: "2%"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true)}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", MinInterval: 1, AxisLabel: &opts.AxisLabel{Color: fg(dark)}}),
		charts.WithAnimation(false),
	)
	labels := make([]string, len(counts))
	data := make([]opts.BarData, len(counts))
	for i, c := range counts {
		// the biggest on top: echarts draws a category axis bottom-up
		labels[len(counts)-1-i] = c.Label
		data[len(counts)-1-i] = opts.BarData{Value: c.N}
	}
	bar.SetXAxis(labels).AddSeries("hits", data, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#c77c02"}))
	bar.XYReversal()
	bar.Validate()
	return bar.JSON()
}

// BySource is a pie chart of hits by source.
func BySource(title string, counts []Counted, dark bool) map[string]any {
	pie := charts.NewPie()
	pie.SetGlobalOptions(
		charts.WithTitleOpts(opts.Title{Title: title, TitleStyle: &opts.TextStyle{Color: fg(dark), FontSize: 14}}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true)}),
		charts.WithAnimation(false),
	)
	data := make([]opts.PieData, len(counts))
	for i, c := range counts {
		data[i] = opts.PieData{Name: c.Label, Value: c.N}
	}
	pie.AddSeries("sources", data, charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Formatter: "{b}: {c}", Color: fg(dark)}))
	pie.Validate()
	return pie.JSON()
}

// ListSeries is one watch list's counts per bucket.
type ListSeries struct {
	List   string
	Counts []int
}

// HitsByList is a stacked bar chart of hits per bucket, one colour a list.
func HitsByList(title string, starts []time.Time, series []ListSeries, loc *time.Location, dark bool) map[string]any {
	bar := charts.NewBar()
	bar.SetGlobalOptions(
		charts.WithTitleOpts(opts.Title{Title: title, TitleStyle: &opts.TextStyle{Color: fg(dark), FontSize: 14}}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "bottom", TextStyle: &opts.TextStyle{Color: fg(dark)}}),
		charts.WithYAxisOpts(opts.YAxis{Name: "hits", MinInterval: 1, AxisLabel: &opts.AxisLabel{Color: fg(dark)}}),
		charts.WithXAxisOpts(opts.XAxis{AxisLabel: &opts.AxisLabel{Color: fg(dark)}}),
		charts.WithAnimation(false),
	)
	x := make([]string, len(starts))
	for i, t := range starts {
		x[i] = t.In(loc).Format("15:04")
	}
	bar.SetXAxis(x)
	for _, s := range series {
		data := make([]opts.BarData, len(s.Counts))
		for i, c := range s.Counts {
			data[i] = opts.BarData{Value: c}
		}
		bar.AddSeries(s.List, data, charts.WithBarChartOpts(opts.BarChart{Stack: "hits"}))
	}
	bar.Validate()
	return bar.JSON()
}
