package net.dtm.benchmark.dataplane;

import java.nio.file.Path;
import java.util.Locale;

import net.dtm.benchmark.Progress;
import net.dtm.testkit.dataplane.DataPlaneLab;
import net.dtm.testkit.dataplane.LabException;

/**
 * The data-plane benchmark: the shipped distributions in network namespaces ({@link DataPlaneLab},
 * the set-up the system test DataPlaneIT runs), control traffic lossy on every link. Prints exactly
 * one line on standard output,
 * <pre>dataplane: type=vxlan probes=N lost=M gap_ms=G rollback=ok|failed</pre>
 * where {@code probes} and {@code lost} count the pings through the tunnel with every link up (both
 * ways), {@code gap_ms} is the longest time without an echo reply (either way, pings every 50 ms)
 * after the link carrying the tunnel is taken down, and {@code rollback} says whether a tunnel
 * endpoint that never answers, handed out by the server in a renewal, was rolled back by itself with
 * the tunnel passing traffic again. Targets: lost=0, gap_ms at most 1000, rollback=ok. Progress and
 * details go to standard error. Needs root.
 */
public final class DataPlaneBenchmark {

    private DataPlaneBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String serverTarGz = System.getProperty("dtm.distribution");
        String agentTarGz = System.getProperty("dtm.agent.distribution");
        if (serverTarGz == null || agentTarGz == null) {
            System.err.println("dataplane: set -Ddtm.distribution and -Ddtm.agent.distribution to the two tar.gz"
                    + " (benchmarks/run-dataplane.sh does)");
            System.exit(2);
        }
        Path server = Path.of(serverTarGz);
        Path agent = Path.of(agentTarGz);
        Path work = Path.of(System.getProperty("dtm.dataplane.dir", "benchmarks/target/dataplane"));
        int loss = Integer.getInteger("dtm.dataplane.loss", 40);
        int probes = Integer.getInteger("dtm.dataplane.probes", 50);
        int pollMs = Integer.getInteger("dtm.dataplane.poll.ms", 500);
        int verify = Integer.getInteger("dtm.dataplane.verify.seconds", 5);

        var reason = DataPlaneLab.unsupported();
        if (reason.isPresent()) {
            System.err.println("dataplane: cannot run: " + reason.get());
            System.exit(2);
        }
        long t0 = System.nanoTime();
        DataPlaneLab.Settings settings = new DataPlaneLab.Settings(server, agent, work, loss, pollMs, verify);
        DataPlaneLab created;
        try (Progress p = step(1, "namespaces, links and both distributions unpacked")) {
            created = DataPlaneLab.create(settings);
        }
        try (DataPlaneLab lab = created) {
            progress("both distributions ready in " + lab.namespaces() + ", control loss " + loss
                    + " % each way on 3 links, poll.ms " + pollMs);
            DataPlaneLab.Established e;
            try (Progress p = step(2, "starting both distributions and establishing the tunnel")) {
                e = lab.establish();
            }
            progress("established: dtm0 " + e.router().outer() + " inner " + e.router().addresses() + ", core end "
                    + e.gateway().name() + " " + e.gateway().outer());
            DataPlaneLab.Pings pings;
            try (Progress p = step(3, probes + " pings each way")) {
                pings = lab.pingBothWays(probes);
            }
            progress("pings with every link up: " + pings.received() + " of " + pings.sent() + " answered");

            String gap;
            try (Progress p = step(4, "taking the carrying link down")) {
                DataPlaneLab.Failover f = lab.failCarryingLink();
                gap = String.format(Locale.ROOT, "%.0f", f.gapMs());
                progress("carrying link " + f.veth() + " down: dtm0 " + f.before().local() + " -> " + f.after().local()
                        + ", core end remote " + f.gatewayBefore().remote() + " -> " + f.gatewayAfter().remote()
                        + ", gaps " + f.gaps());
            } catch (LabException ex) {
                gap = "none";
                progress("failover: " + ex.getMessage());
            }

            boolean rollback;
            try (Progress p = step(5, "an unanswered tunnel endpoint in a renewal")) {
                DataPlaneLab.Rollback r = lab.badEndpointRollsBack();
                rollback = r.ok();
                progress("unanswered endpoint: entry " + r.entry().orElse(null) + "; dtm0 after " + r.after().outer()
                        + ", pings " + r.pings().received() + " of " + r.pings().sent());
            } catch (LabException ex) {
                rollback = false;
                progress("rollback: " + ex.getMessage());
            }
            progress("control datagrams: " + lab.controlLoss());
            System.out.printf(Locale.ROOT, "dataplane: type=vxlan probes=%d lost=%d gap_ms=%s rollback=%s%n", pings.sent(),
                    pings.lost(), gap, rollback ? "ok" : "failed");
            progress(String.format(Locale.ROOT, "done in %.0f s", (System.nanoTime() - t0) / 1e9));
            // a run that got this far leaves nothing behind; one that failed keeps its logs under the work dir
            lab.close();
            lab.deleteFiles();
        }
    }

    /** Step {@code n} of the run's 5, with a line every 10 s while it lasts. */
    private static Progress step(int n, String what) {
        String name = "dataplane step " + n + " of 5: " + what;
        System.err.println(name);
        return Progress.ofStep(name);
    }

    private static void progress(String line) {
        System.err.println("dataplane: " + line);
    }
}
