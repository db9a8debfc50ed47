package net.dtm.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.management.MBeanServer;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

import net.dtm.api.http.HttpEndpoint;
import net.dtm.api.http.HttpRequest;
import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.MetricSource;

/** The component's wiring: the endpoint's registration and properties, MBeans following the sources. */
class MetricsComponentTest {

    private final MBeanServer platform = ManagementFactory.getPlatformMBeanServer();
    private final List<Object> registered = new ArrayList<>();
    private final List<Dictionary<String, ?>> properties = new ArrayList<>();
    private final List<String> calls = new ArrayList<>();

    private static <T> T proxy(Class<T> type, java.lang.reflect.InvocationHandler h) {
        return type.cast(Proxy.newProxyInstance(MetricsComponentTest.class.getClassLoader(), new Class<?>[] {type}, h));
    }

    @SuppressWarnings("unchecked")
    private BundleContext context() {
        return proxy(BundleContext.class, (p, method, args) -> {
            if (!method.getName().equals("registerService")) {
                throw new UnsupportedOperationException(method.getName());
            }
            registered.add(args[1]);
            properties.add((Dictionary<String, ?>) args[2]);
            return proxy(ServiceRegistration.class, (r, m, a) -> {
                calls.add(m.getName());
                if (m.getName().equals("setProperties")) {
                    properties.add((Dictionary<String, ?>) a[0]);
                }
                return null;
            });
        });
    }

    private static MetricsComponent.Config config(String access) {
        return proxy(MetricsComponent.Config.class, (p, m, a) -> access);
    }

    @SuppressWarnings("unchecked")
    private static ServiceReference<MetricSource> reference() {
        Bundle bundle = proxy(Bundle.class, (p, m, a) -> m.getName().equals("getSymbolicName") ? "test.bundle" : null);
        return proxy(ServiceReference.class, (p, m, a) -> m.getName().equals("getBundle") ? bundle : 42L);
    }

    @Test
    void registersTheEndpointWithItsAccessAndFollowsTheSources() throws Exception {
        MetricsComponent c = new MetricsComponent();
        c.activate(context(), config("public"));
        assertEquals(1, registered.size());
        assertEquals("/metrics", properties.get(0).get(HttpEndpoint.PATH));
        assertEquals("public", properties.get(0).get(HttpEndpoint.ACCESS));

        MetricSource source = () -> List.of(Metric.single("dtm_test_component_gauge", "", Metric.Type.GAUGE, 3));
        c.addSource(source, reference());
        assertEquals(3.0, platform.getAttribute(MetricMBeans.objectName("dtm_test_component_gauge"), "value"));
        String text = new String(((HttpEndpoint) registered.get(0)).handle(new HttpRequest("GET", "/metrics", Map.of(),
                Map.of(), null, Optional.empty(), "")).body(), StandardCharsets.UTF_8);
        assertTrue(text.contains("dtm_test_component_gauge 3.0"), text);

        c.modified(config("key"));
        assertEquals("key", properties.get(1).get(HttpEndpoint.ACCESS));
        assertThrows(IllegalArgumentException.class, () -> c.modified(config("open")));
        assertEquals(2, properties.size(), "a bad setting changes nothing");

        c.removeSource(source);
        assertFalse(platform.isRegistered(MetricMBeans.objectName("dtm_test_component_gauge")));
        c.addSource(source, reference());
        c.deactivate();
        assertTrue(calls.contains("unregister"));
        assertFalse(platform.isRegistered(MetricMBeans.objectName("dtm_test_component_gauge")));
    }

    @Test
    void aBadAccessServesNothing() {
        MetricsComponent c = new MetricsComponent();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.activate(context(), config("viewer")));
        assertTrue(e.getMessage().contains("net.dtm.metrics"), e.getMessage());
        assertTrue(registered.isEmpty());
        c.deactivate();
    }
}
