package net.dtm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import net.dtm.api.Cidr;
import net.dtm.api.LinkInfo;
import net.dtm.api.LinkService;
import net.dtm.api.TunnelAgentService;
import net.dtm.api.TunnelParameters;
import net.dtm.api.TunnelStatus;
import net.dtm.api.config.AdapterInfo;
import net.dtm.api.config.ConfigurationService;
import net.dtm.api.config.EndView;
import net.dtm.api.config.Transaction;
import net.dtm.spi.config.VendorAdapter;
import net.dtm.spi.link.LinkDriver;

/**
 * A carrier drops two plugins into {@code deploy/} of a running node and takes them away again:
 * the example link driver ({@code examples/dtm-example-link}, link {@code ex1}) and the example
 * vendor adapter ({@code examples/dtm-example-vendor}, vendor {@code example-files}, models
 * {@code EXR-*}, a router configured by files under {@code ${karaf.data}/example-router}). The demo
 * agent's own tunnel end is switched on for that adapter (etc/net.dtm.config.cfg: enabled, vendor
 * example-files, model EXR-100, probe off).
 * <p>
 * Dropped in: the link is tracked and carries the next establishment (the demo's emulated links
 * disabled meanwhile, so nothing else can), the adapter is listed and builds the tunnel (a confirmed
 * history entry, the file on the "router" matches the agent's parameters). Removed while a change
 * applied with {@code config:apply --hold} waits for its confirmation: both services and bundles
 * go, the pending change is rolled back through the adapter object the transaction holds (history
 * says so, the router's file is the snapshot again, no temporary file left), and the agent keeps
 * its tunnel over the emulated links.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PluginDropInIT extends DtmTestSupport {

    private static final String LINK_BSN = "net.dtm.examples.dtm-example-link";
    private static final String VENDOR_BSN = "net.dtm.examples.dtm-example-vendor";
    private static final String VENDOR = "example-files";
    private static final String END = "dtm0";
    private static final String[] DEMO_LINKS = {"5g", "lte", "sat"};

    @Override
    protected Option[] extraOptions() {
        return new Option[] {
            editConfigurationFilePut("etc/system.properties", "dtm.itest.example.link.jar", jar("dtm.example.link.jar")),
            editConfigurationFilePut("etc/system.properties", "dtm.itest.example.vendor.jar", jar("dtm.example.vendor.jar")),
            // The agent's own end, for the example adapter's routers.
            editConfigurationFilePut("etc/net.dtm.config.cfg", "enabled", "true"),
            editConfigurationFilePut("etc/net.dtm.config.cfg", "vendor", VENDOR),
            editConfigurationFilePut("etc/net.dtm.config.cfg", "model", "EXR-100"),
            // A router configured by files sends no traffic: a change is confirmed by its read-back.
            editConfigurationFilePut("etc/net.dtm.config.cfg", "probe", "false"),
            // The health check probes whatever probe says (see the report): off, or it would re-home the
            // agent after three unanswered probes in the middle of this test.
            editConfigurationFilePut("etc/net.dtm.config.cfg", "health.interval.seconds", "0"),
        };
    }

    /** A jar Maven names (failsafe system property), checked here in the driver. */
    private static String jar(String property) {
        String path = System.getProperty(property);
        if (path == null || !new File(path).isFile()) {
            throw new IllegalStateException(property + " = " + path + " is not a file: build examples/ first "
                    + "(mvn -o install -pl examples,examples/dtm-example-link,examples/dtm-example-vendor)");
        }
        return new File(path).getAbsolutePath();
    }

    @Test
    public void droppedInPluginsServeAndLeaveCleanly() throws Exception {
        TunnelAgentService agent = service(TunnelAgentService.class);
        LinkService links = service(LinkService.class);
        ConfigurationService config = service(ConfigurationService.class);
        awaitEstablishedAfter(agent, Instant.EPOCH, Duration.ofSeconds(60));
        awaitTrue("the three demo links", Duration.ofSeconds(30), () -> links.links().size() == 3);
        assertFalse("no example adapter before the drop", vendors(config).contains(VENDOR));

        // ---- drop both jars into deploy/
        Path deploy = Path.of(System.getProperty("karaf.base")).resolve("deploy");
        Files.createDirectories(deploy);
        Path linkJar = deploy.resolve("dtm-example-link.jar");
        Path vendorJar = deploy.resolve("dtm-example-vendor.jar");
        copyIn(Path.of(System.getProperty("dtm.itest.example.link.jar")), linkJar);
        copyIn(Path.of(System.getProperty("dtm.itest.example.vendor.jar")), vendorJar);

        awaitTrue("example bundles active", Duration.ofSeconds(30),
                () -> active(LINK_BSN) && active(VENDOR_BSN));
        awaitTrue("link ex1 tracked by the transport", Duration.ofSeconds(30),
                () -> links.link("ex1").map(l -> l.state().equals("up")).orElse(false));
        LinkInfo ex1 = links.link("ex1").orElseThrow();
        assertEquals("ethernet", ex1.kind());
        assertTrue(ex1.localAddress().toString(), ex1.localAddress().orElse("").startsWith("127.0.0.1:"));
        String linkList = executeCommand("link:list");
        assertTrue(linkList, linkList.lines().anyMatch(l -> l.trim().startsWith("ex1 ") && l.contains("ethernet")));

        // A factory configuration of the driver's PID replaces the default link by the carrier's own.
        org.osgi.service.cm.Configuration wan2 = linkConfiguration("wan2");
        java.util.Hashtable<String, Object> wan2Props = new java.util.Hashtable<>();
        wan2Props.put("link.id", "wan2");
        wan2Props.put("kind", "wifi");
        wan2Props.put("bind.host", "127.0.0.1");
        wan2.update(wan2Props);
        awaitTrue("link wan2 from etc/net.dtm.link.example-wan2 replaces ex1", Duration.ofSeconds(20),
                () -> links.link("wan2").map(l -> l.kind().equals("wifi")).orElse(false) && links.link("ex1").isEmpty());
        wan2.delete();
        awaitTrue("ex1 back once the configuration is gone", Duration.ofSeconds(20),
                () -> links.link("ex1").isPresent() && links.link("wan2").isEmpty());

        awaitTrue("adapter example-files installed", Duration.ofSeconds(30), () -> vendors(config).contains(VENDOR));
        AdapterInfo adapter = config.adapters().stream().filter(a -> a.vendor().equals(VENDOR)).findFirst().orElseThrow();
        assertEquals(List.of("EXR-*"), adapter.models());
        assertTrue(adapter.bundle(), adapter.bundle().startsWith(VENDOR_BSN + " "));
        String vendorList = executeCommand("vendor:list");
        assertTrue(vendorList, vendorList.contains(VENDOR) && vendorList.contains("EXR-*") && vendorList.contains(VENDOR_BSN));
        String bundles = executeCommand("bundle:list -s");
        assertTrue(bundles, bundles.contains(LINK_BSN) && bundles.contains(VENDOR_BSN));

        // ---- the next establishment goes over ex1: the demo links are disabled meanwhile
        for (String id : DEMO_LINKS) {
            assertTrue(executeCommand("link:disable " + id).contains("Link " + id + " disabled"));
        }
        long sentBefore = links.link("ex1").orElseThrow().datagramsSent();
        long receivedBefore = links.link("ex1").orElseThrow().datagramsReceived();
        Instant reestablished = Instant.now();
        agent.reestablish();
        TunnelStatus overEx1 = awaitEstablishedAfter(agent, reestablished, Duration.ofSeconds(30));
        LinkInfo ex1After = links.link("ex1").orElseThrow();
        assertTrue("ex1 sent the establishment: " + ex1After, ex1After.datagramsSent() > sentBefore);
        assertTrue("the answer came back on ex1: " + ex1After, ex1After.datagramsReceived() > receivedBefore);
        String tunnel = executeCommand("tunnel:status");
        assertTrue(tunnel, tunnel.contains("ESTABLISHED") || tunnel.contains("RENEWING"));
        for (String id : DEMO_LINKS) {
            assertTrue(executeCommand("link:enable " + id).contains("Link " + id + " enabled"));
        }

        // ---- the example adapter builds the tunnel on its router
        Path device = Path.of(System.getProperty("karaf.data")).resolve("example-router");
        Path file = device.resolve("interfaces").resolve(END + ".conf");
        TunnelParameters p = overEx1.parameters().orElseThrow();
        String expected = expectedFile(p);
        awaitTrue(END + " confirmed through " + VENDOR + " and in sync", Duration.ofSeconds(30), () -> {
            Optional<EndView> e = config.show(END);
            return e.isPresent() && e.get().state().equals("in-sync") && e.get().adapter().equals(Optional.of(VENDOR))
                    && config.history(END).stream().anyMatch(t -> t.result() == Transaction.Result.CONFIRMED)
                    && Files.isRegularFile(file) && Files.readString(file).equals(expected);
        });
        String show = executeCommand("config:show " + END);
        assertTrue(show, show.contains(VENDOR) && show.contains("in-sync"));
        String history = executeCommand("config:history " + END);
        assertTrue(history, history.contains("confirmed"));

        // ---- a change pending confirmation: the router's MTU drifted, the operator re-applies with --hold
        String drifted = expected.replace("mtu = " + p.mtu() + "\n", "mtu = " + (p.mtu() - 100) + "\n");
        assertFalse("the file names the MTU", drifted.equals(expected));
        writeAtomically(file, drifted);
        String held = executeCommand("config:apply --hold " + END);
        assertTrue(held, held.contains("pending-confirm"));
        Transaction pending = config.history(END).get(0);
        assertEquals(Transaction.Result.PENDING_CONFIRM, pending.result());
        assertEquals(List.of("mtu: " + (p.mtu() - 100) + " -> " + p.mtu()), pending.diff());
        assertEquals("the held change is on the router", expected, Files.readString(file));

        // ---- take both plugins away
        Instant removed = Instant.now();
        Files.delete(linkJar);
        Files.delete(vendorJar);

        awaitTrue("example bundles uninstalled", Duration.ofSeconds(30), () -> !installed(LINK_BSN) && !installed(VENDOR_BSN));
        awaitTrue("no ex1 link service", Duration.ofSeconds(10),
                () -> references(LinkDriver.class, "(" + LinkDriver.PROP_LINK_ID + "=ex1)").isEmpty());
        awaitTrue("no example-files adapter service", Duration.ofSeconds(10),
                () -> references(VendorAdapter.class, "(" + VendorAdapter.PROP_VENDOR + "=" + VENDOR + ")").isEmpty());
        awaitTrue("the transport dropped ex1", Duration.ofSeconds(10),
                () -> links.link("ex1").isEmpty() && links.links().size() == 3);
        awaitTrue("the adapter is withdrawn", Duration.ofSeconds(10), () -> !vendors(config).contains(VENDOR));
        assertFalse(executeCommand("link:list").contains("ex1"));
        assertFalse(executeCommand("vendor:list").contains(VENDOR));

        // The pending change failed cleanly: rolled back through the adapter object the transaction held,
        // recorded, and the router holds exactly its snapshot, with no temporary file left behind.
        awaitTrue("the held change is rolled back", Duration.ofSeconds(30),
                () -> config.history(END).get(0).number() > pending.number()
                        || config.history(END).get(0).result() != Transaction.Result.PENDING_CONFIRM);
        Transaction outcome = config.history(END).stream().filter(t -> t.number() == pending.number()).findFirst()
                .orElseThrow();
        assertEquals(outcome.toString(), Transaction.Result.ROLLED_BACK, outcome.result());
        assertTrue(outcome.detail(), outcome.detail().contains("adapter " + VENDOR + " withdrawn"));
        assertTrue("restored: " + outcome.detail(), outcome.restored());
        assertEquals("the router is back at its snapshot", drifted, Files.readString(file));
        assertEquals("temporary files left on the router", List.of(), leftovers(device.resolve("interfaces")));
        String after = executeCommand("config:history " + END);
        assertTrue(after, after.contains("rolled-back"));
        awaitTrue(END + " waits for an adapter", Duration.ofSeconds(10),
                () -> config.show(END).map(e -> e.state().equals("no-adapter")).orElse(false));

        // The agent keeps its tunnel over the remaining links: not re-established, same address ...
        Awaitility.await("the tunnel is kept").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    TunnelStatus s = agent.status();
                    return (s.state() == TunnelStatus.State.ESTABLISHED || s.state() == TunnelStatus.State.RENEWING)
                            && s.establishedAt().equals(overEx1.establishedAt())
                            && s.parameters().map(TunnelParameters::innerAddress).equals(Optional.of(p.innerAddress()));
                });
        // ... and the next establishment works over the emulated links alone.
        long demoReceived = demoReceived(links);
        Instant again = Instant.now();
        agent.reestablish();
        TunnelStatus overDemo = awaitEstablishedAfter(agent, again, Duration.ofSeconds(60));
        assertEquals(p.innerAddress(), overDemo.parameters().orElseThrow().innerAddress());
        assertTrue("the emulated links carried it", demoReceived(links) > demoReceived);
        assertTrue(removed.isBefore(overDemo.establishedAt().orElseThrow()));

        // Nothing else broke: every DTM bundle is active, the shipped adapter is still there.
        for (Bundle b : bundleContext.getBundles()) {
            if (b.getSymbolicName() != null && b.getSymbolicName().startsWith("net.dtm.")) {
                assertEquals(b.getSymbolicName() + " state", Bundle.ACTIVE, b.getState());
            }
        }
        assertTrue(vendors(config).contains("linux"));
    }

    // ---------------------------------------------------------------- helpers

    /** What the example adapter writes for the agent's tunnel: VXLAN from the link's 127.0.0.1, no routes. */
    private static String expectedFile(TunnelParameters p) {
        return "# EXR tunnel interface (example-files adapter)\n"
                + "type = " + p.type().name().toLowerCase(java.util.Locale.ROOT) + "\n"
                + "local = 127.0.0.1\n"
                + "remote = " + Cidr.format(p.serverEndpoint().getAddress()) + ":" + p.serverEndpoint().getPort() + "\n"
                + "key = " + p.tunnelKey() + "\n"
                + "address = " + Cidr.format(p.innerAddress()) + "/" + p.prefixLength() + "\n"
                + "mtu = " + p.mtu() + "\n";
    }

    private TunnelStatus awaitEstablishedAfter(TunnelAgentService agent, Instant after, Duration atMost) {
        awaitTrue("tunnel established after " + after, atMost, () -> {
            TunnelStatus s = agent.status();
            return (s.state() == TunnelStatus.State.ESTABLISHED || s.state() == TunnelStatus.State.RENEWING)
                    && s.parameters().isPresent() && s.establishedAt().map(t -> t.isAfter(after)).orElse(false);
        });
        return agent.status();
    }

    /**
     * A new factory configuration of the example link driver, as {@code etc/net.dtm.link.example-<name>.cfg}
     * makes. Configuration Admin is got directly (and held while the test bundle lives): see DtmDistributionIT.
     */
    private org.osgi.service.cm.Configuration linkConfiguration(String name) throws IOException {
        service(org.osgi.service.cm.ConfigurationAdmin.class);
        org.osgi.framework.ServiceReference<org.osgi.service.cm.ConfigurationAdmin> ref =
                bundleContext.getServiceReference(org.osgi.service.cm.ConfigurationAdmin.class);
        return bundleContext.getService(ref).getFactoryConfiguration("net.dtm.link.example", name, "?");
    }

    private static List<String> vendors(ConfigurationService config) {
        return config.adapters().stream().map(AdapterInfo::vendor).toList();
    }

    private boolean installed(String symbolicName) {
        return Stream.of(bundleContext.getBundles()).anyMatch(b -> symbolicName.equals(b.getSymbolicName()));
    }

    private boolean active(String symbolicName) {
        return Stream.of(bundleContext.getBundles())
                .anyMatch(b -> symbolicName.equals(b.getSymbolicName()) && b.getState() == Bundle.ACTIVE);
    }

    private static long demoReceived(LinkService links) {
        return links.links().stream().filter(l -> List.of(DEMO_LINKS).contains(l.id()))
                .mapToLong(LinkInfo::datagramsReceived).sum();
    }

    /** Copies next to deploy/ first, then renames into it: the deployer never sees half a jar. */
    private static void copyIn(Path from, Path to) throws IOException {
        Path tmp = Files.createTempFile(Path.of(System.getProperty("karaf.data")), to.getFileName().toString(), ".part");
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".itest");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static List<String> leftovers(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> !n.endsWith(".conf")).toList();
        }
    }
}
