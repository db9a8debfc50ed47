package net.dtm.benchmark;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import net.dtm.spi.link.LinkKind;

/**
 * One benchmark scenario: a set of links, a number of servers, a loss model and rate, and how
 * many establishments by how many agents in parallel. {@code coldAgents} more agents, freshly
 * started, each establish once and stop ({@code agents} of them at a time), so the cold figures
 * rest on that many first establishments more than the {@code agents} ones.
 */
record Scenario(List<LinkProfile> links, int servers, LossModel model, double lossPercent, int establishments,
                int agents, int coldAgents) {

    /** An emulated link as the benchmark configures it. */
    record LinkProfile(String id, LinkKind kind, double rttMs) {
    }

    /** How a link loses datagrams: each independently, or in Gilbert–Elliott bursts. */
    enum LossModel {
        INDEPENDENT("indep"), BURSTY("bursty");

        final String label;

        LossModel(String label) {
            this.label = label;
        }

        static LossModel parse(String s) {
            for (LossModel m : values()) {
                if (m.label.equalsIgnoreCase(s) || m.name().equalsIgnoreCase(s)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown loss model " + s + " (indep or bursty)");
        }
    }

    static final LinkProfile FIVE_G = new LinkProfile("5g", LinkKind.FIVE_G, 20);
    static final LinkProfile LTE = new LinkProfile("lte", LinkKind.LTE, 40);
    static final LinkProfile LEO = new LinkProfile("leo", LinkKind.SATELLITE, 50);
    static final LinkProfile GEO = new LinkProfile("geo", LinkKind.SATELLITE, 600);

    Scenario {
        links = List.copyOf(links);
        if (links.isEmpty() || servers < 1 || establishments < 1 || agents < 1 || coldAgents < 0) {
            throw new IllegalArgumentException("a scenario needs links, servers, establishments and agents");
        }
    }

    /** A scenario without cold-only agents. */
    Scenario(List<LinkProfile> links, int servers, LossModel model, double lossPercent, int establishments, int agents) {
        this(links, servers, model, lossPercent, establishments, agents, 0);
    }

    /** The same scenario with {@code n} freshly started agents more, each establishing once. */
    Scenario withColdAgents(int n) {
        return new Scenario(links, servers, model, lossPercent, establishments, agents, n);
    }

    double fastestRtt() {
        return links.stream().mapToDouble(LinkProfile::rttMs).min().orElseThrow();
    }

    /** Links and servers, e.g. {@code 5g+lte+leo x3}: scenarios of one family differ only in loss. */
    String family() {
        return links.stream().map(LinkProfile::id).collect(Collectors.joining("+")) + " x" + servers;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s %s %.0f%%", family(), model.label, lossPercent);
    }
}
