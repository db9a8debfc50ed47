package net.dtm.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.LinkInfo;
import net.dtm.api.LinkService;
import net.dtm.api.TunnelStatus.State;
import net.dtm.link.emulated.EmulatedLink;
import net.dtm.link.emulated.EmulatedLinkSettings;

class AgentComponentTest {

    static AgentComponent.Config config(String id, String key, String keyFile, String servers) {
        return config(id, key, keyFile, servers, "", "dtm-router.key");
    }

    static AgentComponent.Config config(String id, String key, String keyFile, String servers, String enrolKeyFile,
                                        String routerKeyFile) {
        return new AgentComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return AgentComponent.Config.class;
            }

            @Override
            public String device_id() {
                return id;
            }

            @Override
            public String device_key() {
                return key;
            }

            @Override
            public String device_key_file() {
                return keyFile;
            }

            @Override
            public String servers() {
                return servers;
            }

            @Override
            public String tunnel_type() {
                return "vxlan";
            }

            @Override
            public String pool() {
                return "";
            }

            @Override
            public String wireguard_key_file() {
                return "dtm-wireguard.key";
            }

            @Override
            public String enrol_key_file() {
                return enrolKeyFile;
            }

            @Override
            public String router_key_file() {
                return routerKeyFile;
            }

            @Override
            public int wire_version() {
                return 2;
            }
        };
    }

    static final String HEX = HexFormat.of().formatHex(TunnelAgentTest.KEY);

    @Test
    void withoutDeviceIdOrKeyTheComponentStaysIdle() {
        AgentComponent c = new AgentComponent(Duration.ofMillis(50));
        try {
            c.configure(config("", "", "", "127.0.0.1:47800"));
            assertEquals(State.IDLE, c.status().state());
            assertTrue(c.agent().isEmpty());
            c.reestablish();
        } finally {
            c.deactivate();
        }
        AgentComponent d = new AgentComponent(Duration.ofMillis(50));
        try {
            d.configure(config("smr-1", "", "", "127.0.0.1:47800"));
            assertEquals("smr-1", d.status().device().value());
            assertTrue(d.agent().isEmpty());
            d.configure(config("smr-1", "nothex", "", "127.0.0.1:47800"));
            assertTrue(d.agent().isEmpty());
            d.configure(config("smr-1", HEX, "", "not-a-server"));
            assertTrue(d.agent().isEmpty());
        } finally {
            d.deactivate();
        }
    }

    @Test
    void waitsForTheKeyFileThenEstablishesOverBoundLinks(@TempDir Path dir) throws Exception {
        establishesOnceTheKeyFileHoldsAKey(dir, null);
    }

    @Test
    void keepsWatchingAnUnusableKeyFileUntilItHoldsAKey(@TempDir Path dir) throws Exception {
        establishesOnceTheKeyFileHoldsAKey(dir, "");   // caught while the operator's shell is still writing it
    }

    /** Configures a key file that is missing ({@code before} null) or holds {@code before}, then writes the key. */
    private static void establishesOnceTheKeyFileHoldsAKey(Path dir, String before) throws Exception {
        try (FakeServer server = new FakeServer(TunnelAgentTest.KEY, "node-a");
             EmulatedLink link = new EmulatedLink(EmulatedLinkSettings.clean("lte"))) {
            AgentComponent c = new AgentComponent(Duration.ofMillis(50));
            try {
                c.bindLink(link, Map.of());
                Path keyFile = dir.resolve("smr-1.key");
                if (before != null) {
                    Files.writeString(keyFile, before);
                }
                c.configure(config("smr-1", "", keyFile.toString(), "127.0.0.1:" + server.address().getPort()));
                assertTrue(c.agent().isEmpty());
                assertEquals(State.IDLE, c.status().state());
                Files.writeString(keyFile, HEX + "\n");
                await().atMost(Duration.ofSeconds(5)).until(() -> c.status().state() == State.ESTABLISHED);
                assertEquals(List.of("lte"), c.transport().stats().stream().map(s -> s.id()).toList());
                c.unbindLink(link);
                assertTrue(c.transport().links().isEmpty());
            } finally {
                c.deactivate();
            }
            assertEquals(State.IDLE, c.status().state());
        }
    }

    @Test
    void enrolsWithOnlyATokenAndTheServersConfigured(@TempDir Path etc) throws Exception {
        net.dtm.protocol.EnrolmentToken token = net.dtm.protocol.EnrolmentToken.generate(new java.security.SecureRandom());
        Path tokenFile = etc.resolve("dtm-enrol.token");
        Files.writeString(tokenFile, token.token() + "\n");
        String before = System.getProperty("karaf.etc");
        System.setProperty("karaf.etc", etc.toString());
        try (FakeServer server = new FakeServer(TunnelAgentTest.KEY, "node-a");
             EmulatedLink link = new EmulatedLink(EmulatedLinkSettings.clean("lte"))) {
            server.replyKey = token.replyKey();
            server.enrol = r -> net.dtm.protocol.EnrolReply.granted(TunnelAgentTest.KEY, "", true);
            AgentComponent c = new AgentComponent(Duration.ofMillis(50));
            try {
                c.bindLink(link, Map.of());
                c.configure(config("bus-0042", "", "", "127.0.0.1:" + server.address().getPort(), "dtm-enrol.token",
                        ""));
                await().atMost(Duration.ofSeconds(10)).until(() -> c.status().state() == State.ESTABLISHED);
                Path credential = etc.resolve("dtm-keys/bus-0042.key");
                assertArrayEquals(TunnelAgentTest.KEY, CredentialFile.read(credential).key());
                assertEquals("rw-------", EnrolmentFilesTest.mode(credential));
                assertEquals("rw-------", EnrolmentFilesTest.mode(etc.resolve("dtm-router.key")), "the default router key file");
                await().atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(tokenFile));
            } finally {
                c.deactivate();
            }
        } finally {
            if (before == null) {
                System.clearProperty("karaf.etc");
            } else {
                System.setProperty("karaf.etc", before);
            }
        }
    }

    @Test
    void aKeyInTheConfigurationWinsOverEnrolment(@TempDir Path etc) throws Exception {
        try (FakeServer server = new FakeServer(TunnelAgentTest.KEY, "node-a");
             EmulatedLink link = new EmulatedLink(EmulatedLinkSettings.clean("lte"))) {
            AgentComponent c = new AgentComponent(Duration.ofMillis(50));
            try {
                c.bindLink(link, Map.of());
                c.configure(config("smr-1", HEX, "", "127.0.0.1:" + server.address().getPort(),
                        etc.resolve("missing.token").toString(), etc.resolve("r.key").toString()));
                await().atMost(Duration.ofSeconds(5)).until(() -> c.status().state() == State.ESTABLISHED);
                assertTrue(server.enrols.isEmpty());
                assertFalse(Files.exists(etc.resolve("r.key")));
            } finally {
                c.deactivate();
            }
        }
    }

    @Test
    void parsesServersAndKeys(@TempDir Path dir) throws Exception {
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 1), new InetSocketAddress("::1", 2)),
                AgentConfig.servers(" 127.0.0.1:1 , [::1]:2 ,"));
        assertThrows(IllegalArgumentException.class, () -> AgentConfig.servers(""));
        assertThrows(IllegalArgumentException.class, () -> AgentConfig.servers("127.0.0.1"));
        assertThrows(IllegalArgumentException.class, () -> AgentConfig.servers("127.0.0.1:0"));
        assertThrows(IllegalArgumentException.class, () -> AgentConfig.servers("127.0.0.1:http"));
        assertArrayEquals(TunnelAgentTest.KEY, AgentConfig.key(" " + HEX + "\n"));
        assertThrows(IllegalArgumentException.class, () -> AgentConfig.key(HEX.substring(2)));
        assertThrows(IllegalArgumentException.class, () -> AgentConfig.key("zz" + HEX.substring(2)));
        Path f = dir.resolve("k");
        Files.writeString(f, HEX);
        assertArrayEquals(TunnelAgentTest.KEY, CredentialFile.read(f).key());
        assertEquals(Path.of("/abs/k"), AgentConfig.resolveKeyFile("/abs/k"));
    }

    @Test
    void linkServiceShowsLinksAndPassesUsageAndOperatorChoices() throws Exception {
        try (FakeServer server = new FakeServer(TunnelAgentTest.KEY, "node-a");
             EmulatedLink lte = new EmulatedLink(EmulatedLinkSettings.clean("lte"));
             EmulatedLink sat = new EmulatedLink(EmulatedLinkSettings.clean("sat"))) {
            AgentComponent c = new AgentComponent(Duration.ofMillis(50));
            try {
                c.bindLink(lte, Map.of());
                c.bindLink(sat, Map.of("dtm.link.usage", "backup"));
                LinkService links = c.linkService();
                assertEquals(List.of("lte", "sat"), links.links().stream().map(LinkInfo::id).toList());
                c.configure(config("smr-1", HEX, "", "127.0.0.1:" + server.address().getPort()));
                await().atMost(Duration.ofSeconds(5)).until(() -> c.status().state() == State.ESTABLISHED);
                assertTrue(links.link("lte").orElseThrow().datagramsSent() > 0);
                assertEquals(0, links.link("sat").orElseThrow().datagramsSent(), "backup idle while lte is clean");
                assertTrue(links.link("nope").isEmpty());

                assertTrue(links.disable("lte"));
                assertFalse(links.link("lte").orElseThrow().enabled());
                long lteSent = links.link("lte").orElseThrow().datagramsSent();
                c.reestablish();
                await().atMost(Duration.ofSeconds(5)).until(() -> c.status().state() == State.ESTABLISHED
                        && c.agent().orElseThrow().establishments() == 2);
                assertEquals(lteSent, links.link("lte").orElseThrow().datagramsSent(), "disabled link unused");
                assertTrue(links.link("sat").orElseThrow().datagramsSent() > 0, "backup carries it");
                assertTrue(links.enable("lte"));
                assertFalse(links.enable("nope"));
                assertFalse(links.disable(null));
            } finally {
                c.deactivate();
            }
        }
    }

    @Test
    void invalidUsageCountsAsAlways() throws Exception {
        try (EmulatedLink lte = new EmulatedLink(EmulatedLinkSettings.clean("lte"))) {
            AgentComponent c = new AgentComponent(Duration.ofMillis(50));
            try {
                c.bindLink(lte, Map.of("dtm.link.usage", "sometimes"));
                assertEquals(List.of("lte"), c.linkService().links().stream().map(LinkInfo::id).toList());
            } finally {
                c.deactivate();
            }
        }
    }

    @Test
    void replacedDriverKeepsTheLeaseAndTheRenewals() throws Exception {
        try (FakeServer server = new FakeServer(TunnelAgentTest.KEY, "node-a")) {
            server.leaseSeconds = 2;   // renewal every second
            EmulatedLink first = new EmulatedLink(EmulatedLinkSettings.clean("lte"));
            AgentComponent c = new AgentComponent(Duration.ofMillis(50));
            try {
                c.bindLink(first, Map.of());
                c.configure(config("smr-1", HEX, "", "127.0.0.1:" + server.address().getPort()));
                await().atMost(Duration.ofSeconds(5)).until(() -> c.status().state() == State.ESTABLISHED);
                var address = c.status().parameters().orElseThrow().innerAddress();

                // What DS does when the driver bundle is updated: unbind the old service, bind the new one.
                c.unbindLink(first);
                first.close();
                try (EmulatedLink second = new EmulatedLink(EmulatedLinkSettings.clean("lte"))) {
                    c.bindLink(second, Map.of());
                    java.time.Instant rebound = java.time.Instant.now();
                    await().atMost(Duration.ofSeconds(6)).until(() -> c.status().expiresAt().orElseThrow()
                            .isAfter(rebound.plusMillis(2500)));   // renewed over the new driver
                    assertEquals(State.ESTABLISHED, c.status().state());
                    assertEquals(address, c.status().parameters().orElseThrow().innerAddress());
                    assertEquals(1, c.agent().orElseThrow().establishments(), "no re-establishment");
                    assertTrue(c.linkService().link("lte").orElseThrow().datagramsSent() > 0);
                }
            } finally {
                c.deactivate();
                first.close();
            }
        }
    }
}
