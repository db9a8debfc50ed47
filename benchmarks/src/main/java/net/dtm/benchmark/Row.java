package net.dtm.benchmark;

import java.util.List;
import java.util.Locale;

/**
 * The measured figures of one scenario. Datagram counts are per warm establishment, like the times,
 * unless named cold.
 *
 * @param warm              establishments after each agent's first (RTT estimates in place)
 * @param cold              each agent's first establishment (no RTT or loss history)
 * @param establishDatagrams ESTABLISH datagrams the agents put on their links, per establishment
 * @param allDatagrams      every datagram the agents put on their links, per establishment
 * @param coldEstablishDatagrams ESTABLISH datagrams per cold establishment
 * @param coldAllDatagrams  every datagram of a cold-only agent (ESTABLISH and CONFIRM until its ACK), per
 *                          agent; NaN without cold-only agents
 */
record Row(Scenario scenario, Stats warm, Stats cold, double establishDatagrams, double allDatagrams,
           double coldEstablishDatagrams, double coldAllDatagrams) {

    static final String HEADER = String.format(Locale.ROOT,
            "%-16s %-6s %4s %6s %4s %7s %7s %7s %7s %7s %8s %8s %7s %8s %7s %8s %7s %6s %8s %8s",
            "links x servers", "model", "loss", "n", "fail", "mean", "p50", "p95", "p99", "max", "<=1s",
            "mean/rtt", "dg/est", "dg/lk/sv", "all/est", "cold", "cold-dg", "cold-n", "cold-p99", "cold-all");

    static final List<String> CSV_COLUMNS = List.of("family", "links", "servers", "model", "loss_percent",
            "fastest_rtt_ms", "n", "failed", "mean_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms", "within_1s",
            "mean_over_fastest_rtt", "establish_datagrams_per_establishment", "establish_datagrams_per_link_per_server",
            "all_datagrams_per_establishment", "cold_mean_ms", "cold_establish_datagrams", "cold_n", "cold_failed",
            "cold_p50_ms", "cold_p99_ms", "cold_max_ms", "cold_within_1s", "cold_all_datagrams");

    /** A row whose cold figures are a mean only (tests, old callers). */
    Row(Scenario scenario, Stats warm, double coldMean, double establishDatagrams, double allDatagrams,
        double coldEstablishDatagrams) {
        this(scenario, warm, new Stats(0, 0, coldMean, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN),
                establishDatagrams, allDatagrams, coldEstablishDatagrams, Double.NaN);
    }

    /** Mean of the cold establishments. */
    double coldMean() {
        return cold.mean();
    }

    double perLinkPerServer() {
        return establishDatagrams / (scenario.links().size() * scenario.servers());
    }

    String table() {
        Stats s = warm;
        return String.format(Locale.ROOT,
                "%-16s %-6s %3.0f%% %6d %4d %7.1f %7.1f %7.1f %7.1f %7.1f %7.3f%% %8.2f %7.2f %8.2f %7.2f %8.1f %7.2f"
                        + " %6d %8.1f %8.2f",
                scenario.family(), scenario.model().label, scenario.lossPercent(), s.n(), s.failed(), s.mean(), s.p50(),
                s.p95(), s.p99(), s.max(), 100 * s.within1s(), s.mean() / scenario.fastestRtt(), establishDatagrams,
                perLinkPerServer(), allDatagrams, coldMean(), coldEstablishDatagrams, cold.n() + cold.failed(),
                cold.p99(), coldAllDatagrams);
    }

    /** The values of {@link #CSV_COLUMNS}. */
    List<Object> csv() {
        Stats s = warm;
        return java.util.Arrays.asList(scenario.family(), Matrix.linkSetName(scenario.links()), scenario.servers(),
                scenario.model().label, scenario.lossPercent(), scenario.fastestRtt(), s.n(), s.failed(), s.mean(), s.p50(),
                s.p95(), s.p99(), s.max(), s.within1s(), s.mean() / scenario.fastestRtt(), establishDatagrams,
                perLinkPerServer(), allDatagrams, coldMean(), coldEstablishDatagrams, cold.n(), cold.failed(),
                cold.p50(), cold.p99(), cold.max(), cold.within1s(), coldAllDatagrams);
    }
}
