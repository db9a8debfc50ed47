package net.dtm.vendor.ciscoios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import net.dtm.spi.config.TunnelInterfaceBehaviour;
import net.dtm.spi.config.VendorAdapter;
import net.dtm.spi.config.ssh.SshConnector;

/** The DS component publishes the adapter with dtm.vendor=cisco-ios over the SSH connector, and withdraws it. */
class CiscoIosAdapterComponentTest {

    @Test
    void publishesThePlainAdapterWithTheVendorPropertyAndUnregistersOnce() {
        List<Object[]> registrations = new ArrayList<>();
        AtomicInteger unregistered = new AtomicInteger();
        ServiceRegistration<?> registration = (ServiceRegistration<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> {
                    if (m.getName().equals("unregister") && unregistered.incrementAndGet() > 1) {
                        throw new IllegalStateException("already unregistered");
                    }
                    return null;
                });
        BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BundleContext.class}, (p, m, a) -> {
                    if (m.getName().equals("registerService")) {
                        registrations.add(a);
                        return registration;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        SshConnector connector = t -> {
            throw new AssertionError("not connected in this test");
        };
        CiscoIosAdapterComponent component = new CiscoIosAdapterComponent(context, connector, config(4100));
        assertEquals(1, registrations.size());
        assertEquals(VendorAdapter.class, registrations.get(0)[0]);
        VendorAdapter adapter = (VendorAdapter) registrations.get(0)[1];
        assertTrue(adapter instanceof CiscoIosAdapter);
        Dictionary<?, ?> props = (Dictionary<?, ?>) registrations.get(0)[2];
        assertEquals("cisco-ios", props.get(VendorAdapter.PROP_VENDOR));
        assertEquals(1, props.size(), "no model or OS version restriction");
        assertEquals(List.of("no interface Tunnel4107"),
                adapter.behaviour(TunnelInterfaceBehaviour.class).orElseThrow().delete("dtm7"), "tunnel.base is configured");
        component.deactivate();
        component.deactivate();
        assertEquals(2, unregistered.get());
    }

    private static CiscoIosAdapterComponent.Config config(long base) {
        return new CiscoIosAdapterComponent.Config() {
            @Override
            public long tunnel_base() {
                return base;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return CiscoIosAdapterComponent.Config.class;
            }
        };
    }
}
