package net.dtm.metrics.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import net.dtm.api.metrics.Histogram;
import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.Sample;

/**
 * Writes DTM metric families in the Prometheus text format 0.0.4, through the Prometheus client
 * library's snapshot model and text writer.
 */
public final class PrometheusText {

    /** Content type of the text format. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private static final String TOTAL = "_total";

    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    /** The families as Prometheus text (UTF-8). */
    public byte[] write(List<Metric> metrics) {
        List<MetricSnapshot> snapshots = new ArrayList<>(metrics.size());
        for (Metric m : metrics) {
            snapshots.add(snapshot(m));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writer.write(out, new MetricSnapshots(snapshots), EscapingScheme.UNDERSCORE_ESCAPING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);    // a byte array stream does not fail
        }
        return out.toByteArray();
    }

    /** One family as a Prometheus snapshot (a counter's name loses {@code _total}: the writer adds it). */
    static MetricSnapshot snapshot(Metric m) {
        switch (m.type()) {
            case COUNTER: {
                String name = m.name().endsWith(TOTAL) ? m.name().substring(0, m.name().length() - TOTAL.length()) : m.name();
                CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(m.help());
                for (Sample s : m.samples()) {
                    b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels(s.labels())).value(s.value()).build());
                }
                return b.build();
            }
            case GAUGE: {
                GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(m.name()).help(m.help());
                for (Sample s : m.samples()) {
                    b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels(s.labels())).value(s.value()).build());
                }
                return b.build();
            }
            default: {
                HistogramSnapshot.Builder b = HistogramSnapshot.builder().name(m.name()).help(m.help());
                for (Sample s : m.samples()) {
                    Histogram h = s.histogram();
                    b.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder().labels(labels(s.labels()))
                            .classicHistogramBuckets(buckets(h)).sum(h.sum()).build());
                }
                return b.build();
            }
        }
    }

    private static ClassicHistogramBuckets buckets(Histogram h) {
        double[] finite = h.upperBounds();
        double[] bounds = new double[finite.length + 1];
        System.arraycopy(finite, 0, bounds, 0, finite.length);
        bounds[finite.length] = Double.POSITIVE_INFINITY;
        return ClassicHistogramBuckets.of(bounds, h.bucketCounts());
    }

    private static Labels labels(Map<String, String> labels) {
        if (labels.isEmpty()) {
            return Labels.EMPTY;
        }
        return Labels.of(new ArrayList<>(labels.keySet()), new ArrayList<>(labels.values()));
    }
}
