package net.dtm.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import net.dtm.api.http.HttpEndpoint;
import net.dtm.api.fakes.FakeDevices;

class RestComponentTest {

    /** Path prefix to access property of every endpoint the component registered. */
    private final Map<String, String> registered = new TreeMap<>();
    private final AtomicInteger unregistered = new AtomicInteger();

    private BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("registerService")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    assertEquals(HttpEndpoint.class, args[0]);
                    assertTrue(args[1] instanceof HttpEndpoint);
                    Dictionary<?, ?> props = (Dictionary<?, ?>) args[2];
                    registered.put((String) props.get(HttpEndpoint.PATH), (String) props.get(HttpEndpoint.ACCESS));
                    return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ServiceRegistration.class},
                            (p, m, a) -> {
                                if (m.getName().equals("unregister")) {
                                    unregistered.incrementAndGet();
                                    return null;
                                }
                                throw new UnsupportedOperationException(m.getName());
                            });
                });
    }

    @Test
    void registersEveryResourceGroupSamplesAndStopsOnDeactivate() {
        RestComponent component = new RestComponent();
        component.activate(context());
        try {
            assertEquals(Map.of("/api/v1/agent", "key", "/api/v1/devices", "key", "/api/v1/leases", "key", "/api/v1/nodes", "key",
                    "/api/v1/openapi.json", "public", "/api/v1/overview", "key", "/api/v1/pools", "key",
                    "/api/v1/reservations", "key", "/api/v1/timeline", "key"), registered);
            // the first sample is taken at once, even with no DTM service at all (an agent-only node without agent yet)
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !component.api.timeline().samples().isEmpty());
        } finally {
            component.deactivate();
        }
        assertEquals(9, unregistered.get());
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("dtm-rest-timeline")));
    }

    @Test
    void anUnbindAfterANewerBindKeepsTheNewer() {
        RestComponent component = new RestComponent();
        FakeDevices older = new FakeDevices();
        FakeDevices newer = new FakeDevices();
        component.bindDevices(older);
        component.bindDevices(newer);
        component.unbindDevices(older);
        assertEquals(newer, component.services.devices().get().orElseThrow());
        component.unbindDevices(newer);
        assertTrue(component.services.devices().get().isEmpty());
    }

    @Test
    void everyServiceReferenceIsOptionalAndDynamic() throws Exception {
        Path xml = Path.of("target/classes/OSGI-INF/net.dtm.rest.RestComponent.xml");
        String text = Files.readString(xml);
        Matcher m = Pattern.compile("<reference ([^>]*)/>").matcher(text);
        List<String> references = new ArrayList<>();
        while (m.find()) {
            String ref = m.group(1);
            references.add(ref);
            assertTrue(ref.contains("cardinality=\"0.."), "not optional: " + ref);
            assertTrue(ref.contains("policy=\"dynamic\""), "not dynamic: " + ref);
        }
        assertEquals(7, references.size(), text);
        assertFalse(text.contains("configuration-policy=\"require\""));
    }
}
