package net.dtm.benchmark;

import static net.dtm.benchmark.Scenario.FIVE_G;
import static net.dtm.benchmark.Scenario.GEO;
import static net.dtm.benchmark.Scenario.LEO;
import static net.dtm.benchmark.Scenario.LTE;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import net.dtm.benchmark.Scenario.LinkProfile;
import net.dtm.benchmark.Scenario.LossModel;

/** The scenario matrices the benchmark runs, and the command line that picks one. */
final class Matrix {

    /** Link sets by name: 1–3 terrestrial links, or a GEO satellite alone. */
    static final Map<String, List<LinkProfile>> LINK_SETS = new LinkedHashMap<>();

    static {
        LINK_SETS.put("5g", List.of(FIVE_G));
        LINK_SETS.put("5g+lte", List.of(FIVE_G, LTE));
        LINK_SETS.put("5g+lte+leo", List.of(FIVE_G, LTE, LEO));
        LINK_SETS.put("geo", List.of(GEO));
    }

    static final List<Double> LOSSES = List.of(0.0, 10.0, 30.0, 50.0, 70.0);
    /** Establishments one agent makes in a row on a slow (GEO) link set, so those scenarios end in seconds. */
    static final int SLOW_PER_AGENT = 5;
    static final String USAGE = """
            usage: EstablishBenchmark [--quick | --headline] [options]
              (default)            full matrix: link sets 5g, 5g+lte, 5g+lte+leo (1-3 servers) and geo (1, 3
                                   servers), loss 0/10/30/50/70 %, independent and bursty; several minutes
              --quick              small matrix (~2 min): 5g+lte+leo x3 at every loss and model; 5g x1 and geo x3
                                   at 0 and 50 % independent
              --headline           issue 3's acceptance scenarios: 5g+lte+leo x3 at 50 % independent loss
                                   (10000 establishments), the same at 0 % (datagram count), geo x3 at 50 %;
                                   issue 17's: 5g+lte+leo x1 at 50 % (10000) and 5g x1 at 50 % (1000); the
                                   0 % row and the x1 rows add 200 freshly started agents for their cold figures
              --links L,...        only these link sets (5g, 5g+lte, 5g+lte+leo, geo)
              --servers N,...      only these server counts (1..3)
              --loss P,...         only these loss rates in percent
              --model M,...        only these loss models (indep, bursty)
              --establishments N   establishments per scenario (default 300, quick 100)
              --agents A           agents in parallel (default 10; slow links get enough to do at most 5 each)
              --burst B            mean bursty-loss burst length in datagrams (default 4)
              --seed S             seed of every loss and jitter generator (default 42)
              --out DIR            where establish.csv and establish.png go (default target)
              --warmup N           establishments run first and not measured (default 200; 0 = none)
              --cold-agents N      freshly started agents that establish once each, for the cold figures
                                   (default 0; the headline's own rows keep theirs unless this is given)
              --warm-by W          how an agent establishes again: reestablish (default: RELEASE its lease and
                                   wait for the answer, then ESTABLISH, as the headline always has) or rehome
                                   (ESTABLISH at once keeping the lease, as after a server change)
              --trace MS           print to stderr, datagram by datagram per link, every establishment slower
                                   than MS ms (and every failed one)
            """;

    /** What the command line asked for. */
    record Options(List<Scenario> scenarios, double meanBurst, long seed, String outDir, int warmup, boolean help,
                   double traceMs, boolean rehome) {
    }

    /** Freshly started agents the headline's cold rows add (each establishes once). */
    static final int HEADLINE_COLD_AGENTS = 200;

    static Options parse(String... args) {
        String mode = "full";
        Integer establishments = null;
        int agents = 10;
        double burst = 4;
        long seed = 42;
        String out = "target";
        int warmup = 200;
        double traceMs = -1;
        boolean rehome = false;
        Integer coldAgents = null;
        Set<String> links = null;
        Set<Integer> servers = null;
        Set<Double> losses = null;
        Set<LossModel> models = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> mode = "quick";
                case "--headline" -> mode = "headline";
                case "--establishments" -> establishments = positive(a, value(args, ++i));
                case "--agents" -> agents = positive(a, value(args, ++i));
                case "--burst" -> burst = Double.parseDouble(value(args, ++i));
                case "--seed" -> seed = Long.parseLong(value(args, ++i));
                case "--out" -> out = value(args, ++i);
                case "--warmup" -> {
                    warmup = Integer.parseInt(value(args, ++i));
                    if (warmup < 0) {
                        throw new IllegalArgumentException("--warmup must be >= 0, got " + warmup);
                    }
                }
                case "--trace" -> {
                    traceMs = Double.parseDouble(value(args, ++i));
                    if (traceMs < 0) {
                        throw new IllegalArgumentException("--trace must be >= 0 ms, got " + traceMs);
                    }
                }
                case "--warm-by" -> {
                    String by = value(args, ++i);
                    if (!by.equals("reestablish") && !by.equals("rehome")) {
                        throw new IllegalArgumentException("--warm-by must be reestablish or rehome, got " + by);
                    }
                    rehome = by.equals("rehome");
                }
                case "--cold-agents" -> {
                    coldAgents = Integer.parseInt(value(args, ++i));
                    if (coldAgents < 0) {
                        throw new IllegalArgumentException("--cold-agents must be >= 0, got " + coldAgents);
                    }
                }
                case "--links" -> {
                    links = new TreeSet<>(Arrays.asList(value(args, ++i).split(",")));
                    for (String l : links) {
                        if (!LINK_SETS.containsKey(l)) {
                            throw new IllegalArgumentException("unknown link set " + l + ", known: " + LINK_SETS.keySet());
                        }
                    }
                }
                case "--servers" -> servers = Arrays.stream(value(args, ++i).split(",")).map(Integer::valueOf)
                        .collect(Collectors.toSet());
                case "--loss" -> losses = Arrays.stream(value(args, ++i).split(",")).map(Double::valueOf)
                        .collect(Collectors.toSet());
                case "--model" -> models = Arrays.stream(value(args, ++i).split(",")).map(LossModel::parse)
                        .collect(Collectors.toSet());
                case "--help", "-h" -> {
                    return new Options(List.of(), burst, seed, out, warmup, true, traceMs, rehome);
                }
                default -> throw new IllegalArgumentException("unknown argument " + a + " (try --help)");
            }
        }
        if (servers != null && servers.stream().anyMatch(s -> s < 1 || s > 3)) {
            throw new IllegalArgumentException("servers must be 1..3, got " + servers);
        }
        List<Scenario> all = switch (mode) {
            case "quick" -> quick(establishments == null ? 100 : establishments, agents);
            case "headline" -> headline(establishments == null ? 10_000 : establishments, agents);
            default -> full(establishments == null ? 300 : establishments, agents);
        };
        if (coldAgents != null) {
            final int n = coldAgents;
            all = all.stream().map(x -> x.withColdAgents(n)).toList();
        }
        final Set<String> l = links;
        final Set<Integer> s = servers;
        final Set<Double> p = losses;
        final Set<LossModel> m = models;
        List<Scenario> picked = all.stream()
                .filter(x -> l == null || l.contains(linkSetName(x.links())))
                .filter(x -> s == null || s.contains(x.servers()))
                .filter(x -> p == null || p.contains(x.lossPercent()))
                .filter(x -> m == null || m.contains(x.model()))
                .toList();
        if (picked.isEmpty()) {
            throw new IllegalArgumentException("the options select no scenario");
        }
        return new Options(picked, burst, seed, out, warmup, false, traceMs, rehome);
    }

    static List<Scenario> full(int establishments, int agents) {
        List<Scenario> out = new ArrayList<>();
        for (var e : LINK_SETS.entrySet()) {
            List<Integer> serverCounts = e.getKey().equals("geo") ? List.of(1, 3) : List.of(1, 2, 3);
            for (int servers : serverCounts) {
                family(out, e.getValue(), servers, LOSSES, List.of(LossModel.values()), establishments, agents);
            }
        }
        return out;
    }

    static List<Scenario> quick(int establishments, int agents) {
        List<Scenario> out = new ArrayList<>();
        List<LossModel> both = List.of(LossModel.values());
        // one lossy link alone takes many seconds per scenario (attempts time out at 5 s): two points only
        family(out, LINK_SETS.get("5g"), 1, List.of(0.0, 50.0), List.of(LossModel.INDEPENDENT), establishments, agents);
        family(out, LINK_SETS.get("5g+lte+leo"), 3, LOSSES, both, establishments, agents);
        family(out, LINK_SETS.get("geo"), 3, List.of(0.0, 50.0), List.of(LossModel.INDEPENDENT),
                Math.max(1, establishments / 2), agents);
        return out;
    }

    static List<Scenario> headline(int establishments, int agents) {
        List<LossModel> indep = List.of(LossModel.INDEPENDENT);
        List<Scenario> out = new ArrayList<>();
        family(out, LINK_SETS.get("5g+lte+leo"), 3, List.of(50.0), indep, Math.max(1000, establishments), agents);
        family(out, LINK_SETS.get("5g+lte+leo"), 3, List.of(0.0), indep, 1000, agents);
        family(out, LINK_SETS.get("geo"), 3, List.of(50.0), indep, 300, agents);
        // issue 17: one server (the same targets as three), one lossy link alone; cold figures from
        // freshly started agents, and the 0 % row's cold datagram count with them
        family(out, LINK_SETS.get("5g+lte+leo"), 1, List.of(50.0), indep, Math.max(1000, establishments), agents);
        family(out, LINK_SETS.get("5g"), 1, List.of(50.0), indep, 1000, agents);
        return out.stream().map(x -> x.servers() == 1 || x.lossPercent() == 0 ? x.withColdAgents(HEADLINE_COLD_AGENTS)
                : x).toList();
    }

    private static void family(List<Scenario> out, List<LinkProfile> links, int servers, List<Double> losses,
                               List<LossModel> models, int establishments, int agents) {
        boolean slow = links.stream().mapToDouble(LinkProfile::rttMs).min().orElseThrow() >= 300;
        int a = slow ? Math.max(agents, (establishments + SLOW_PER_AGENT - 1) / SLOW_PER_AGENT) : agents;
        for (LossModel m : models) {
            for (double loss : losses) {
                if (loss == 0 && m == LossModel.BURSTY) {
                    continue; // without loss both models are the same scenario
                }
                out.add(new Scenario(links, servers, m, loss, establishments, Math.min(a, establishments)));
            }
        }
    }

    static String linkSetName(List<LinkProfile> links) {
        return links.stream().map(LinkProfile::id).collect(Collectors.joining("+"));
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value (try --help)");
        }
        return args[i];
    }

    private static int positive(String option, String v) {
        int n = Integer.parseInt(v);
        if (n < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + n);
        }
        return n;
    }

    private Matrix() {
    }
}
