package net.dtm.agent;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import net.dtm.api.metrics.LatencyRecorder;
import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.Sample;

/**
 * The agent's establishments: how many attempts ended established or failed, and how long an
 * established one took from its ESTABLISH sent to the PARAMS that established the tunnel. Kept by
 * the agent component across agent restarts (a re-enrolment starts a new agent).
 */
final class Establishments {

    private final LatencyRecorder time = new LatencyRecorder();
    private final LongAdder established = new LongAdder();
    private final LongAdder failed = new LongAdder();

    /** An attempt established the tunnel {@code nanos} after its request was sent. */
    void established(long nanos) {
        established.increment();
        time.recordNanos(nanos);
    }

    /** An attempt failed (refused, or no answer in time); the agent retries. */
    void failed() {
        failed.increment();
    }

    /** {@code dtm_agent_establishments_total{result}} and {@code dtm_agent_establish_seconds}. */
    List<Metric> metrics() {
        return List.of(
                new Metric("dtm_agent_establishments_total", "Establishment attempts by result", Metric.Type.COUNTER,
                        List.of(Sample.of(Map.of("result", "established"), established.sum()),
                                Sample.of(Map.of("result", "failed"), failed.sum()))),
                new Metric("dtm_agent_establish_seconds", "Time from ESTABLISH sent to the tunnel established",
                        Metric.Type.HISTOGRAM, List.of(Sample.of(Map.of(), time.snapshot()))));
    }
}
