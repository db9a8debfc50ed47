package net.dtm.config.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ssh.SshConnector;

/** The DS component without a container: settings parsing, registration, close on deactivate. */
class SshConnectorComponentTest {

    @TempDir
    Path dir;

    private final List<Object> registered = new ArrayList<>();
    private final AtomicInteger unregistered = new AtomicInteger();

    @Test
    void registersAConnectorWithTheDefaultsAndClosesItOnDeactivate() throws Exception {
        BundleContext context = context(Map.of("karaf.etc", dir.toString()));
        SshConnectorComponent component = new SshConnectorComponent(context, config(Map.of()));
        assertEquals(1, registered.size());
        MinaSshConnector connector = (MinaSshConnector) registered.get(0);
        assertEquals("MinaSshConnector[known hosts " + dir.resolve("dtm-known-hosts") + ", connect PT10S, command"
                + " PT30S]", connector.toString());

        component.deactivate();
        assertEquals(1, unregistered.get());
        ConfigException e = assertThrows(ConfigException.class,
                () -> connector.connect(Fixture.target("127.0.0.1", 22, dir.resolve("x"))));
        assertTrue(e.getMessage().startsWith("the SSH connector is closed"), e.getMessage());
    }

    @Test
    void configuredValuesWin() {
        SshConnectorComponent component = new SshConnectorComponent(context(Map.of()), config(Map.of(
                "known_hosts_file", dir.resolve("kh").toString(), "connect_timeout_seconds", 3L,
                "command_timeout_seconds", 7L)));
        assertEquals("MinaSshConnector[known hosts " + dir.resolve("kh") + ", connect PT3S, command PT7S]",
                registered.get(0).toString());
        component.deactivate();
    }

    @Test
    void settingsResolvePlaceholdersAndRefuseNonsense() {
        SshSettings s = SshSettings.of("${karaf.etc}/dtm-known-hosts", 10, 30, Map.of("karaf.etc", "/opt/dtm/etc")::get);
        assertEquals(new SshSettings(Path.of("/opt/dtm/etc/dtm-known-hosts"), Duration.ofSeconds(10),
                Duration.ofSeconds(30)), s);

        IllegalArgumentException unset = assertThrows(IllegalArgumentException.class,
                () -> SshSettings.of("${karaf.etc}/dtm-known-hosts", 10, 30, name -> null));
        assertEquals("known.hosts.file = ${karaf.etc}/dtm-known-hosts in etc/net.dtm.ssh.cfg: property karaf.etc is"
                + " not set; give an absolute path instead", unset.getMessage());

        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> SshSettings.of("/x", 0, 30, name -> null));
        assertEquals("connect.timeout.seconds = 0 in etc/net.dtm.ssh.cfg: must be at least 1", zero.getMessage());

        assertThrows(IllegalArgumentException.class, () -> SshSettings.of(" ", 10, 30, name -> null));
    }

    private BundleContext context(Map<String, String> properties) {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getProperty" -> properties.get((String) args[0]);
                    case "registerService" -> {
                        assertEquals(SshConnector.class, args[0]);
                        registered.add(args[1]);
                        yield Proxy.newProxyInstance(getClass().getClassLoader(),
                                new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> {
                                    if (m.getName().equals("unregister")) {
                                        unregistered.incrementAndGet();
                                    }
                                    return null;
                                });
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static SshConnectorComponent.Config config(Map<String, Object> values) {
        return (SshConnectorComponent.Config) Proxy.newProxyInstance(SshConnectorComponentTest.class.getClassLoader(),
                new Class<?>[] {SshConnectorComponent.Config.class},
                (proxy, method, args) -> values.getOrDefault(method.getName(), method.getDefaultValue()));
    }
}
