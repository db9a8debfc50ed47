package net.dtm.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.TunnelStatus.State;
import net.dtm.link.emulated.EmulatedLink;
import net.dtm.link.emulated.EmulatedLinkSettings;

class AgentComponentTest {

    static AgentComponent.Config config(String id, String key, String keyFile, String servers) {
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
                c.bindLink(link);
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
        assertArrayEquals(TunnelAgentTest.KEY, AgentConfig.keyFile(f));
        assertEquals(Path.of("/abs/k"), AgentConfig.resolveKeyFile("/abs/k"));
    }
}
