package net.dtm.vendor.huaweivrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
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
import org.osgi.service.component.annotations.Component;

import net.dtm.spi.config.TunnelInterfaceBehaviour;
import net.dtm.spi.config.VendorAdapter;

/** The DS component only publishes the adapter over the SSH connector with dtm.vendor=huawei-vrp, and withdraws it. */
class HuaweiVrpAdapterComponentTest {

    @Test
    void publishesThePlainAdapterWithTheVendorPropertyOnlyAndUnregisters() {
        List<Object[]> registrations = new ArrayList<>();
        AtomicInteger unregistered = new AtomicInteger();
        ServiceRegistration<?> registration = (ServiceRegistration<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> {
                    if (m.getName().equals("unregister") && unregistered.incrementAndGet() > 1) {
                        throw new IllegalStateException("already unregistered");
                    }
                    return null;
                });
        BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (p, m, a) -> {
                    if (m.getName().equals("registerService")) {
                        registrations.add(a);
                        return registration;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        HuaweiVrpAdapter adapter = new HuaweiVrpAdapter(new InMemorySsh(null));
        HuaweiVrpAdapterComponent component = new HuaweiVrpAdapterComponent(context, adapter);
        assertEquals(1, registrations.size());
        assertEquals(VendorAdapter.class, registrations.get(0)[0]);
        assertSame(adapter, registrations.get(0)[1]);
        Dictionary<?, ?> props = (Dictionary<?, ?>) registrations.get(0)[2];
        assertEquals("huawei-vrp", props.get(VendorAdapter.PROP_VENDOR));
        assertEquals(1, props.size(), "no model or OS version restriction");
        component.deactivate();
        component.deactivate();
        assertEquals(2, unregistered.get());
        new HuaweiVrpAdapterComponent(context, new InMemorySsh(null), config(4100));
        assertEquals(2, registrations.size());
        assertTrue(registrations.get(1)[1] instanceof HuaweiVrpAdapter, "the activation constructor publishes a real adapter");
        assertEquals(List.of("undo interface Tunnel0/0/4107"), ((VendorAdapter) registrations.get(1)[1])
                .behaviour(TunnelInterfaceBehaviour.class).orElseThrow().delete("dtm7"), "tunnel.base is configured");
        assertEquals("net.dtm.vendor.huaweivrp", HuaweiVrpAdapterComponent.PID);
        Component c = HuaweiVrpAdapterComponent.class.getAnnotation(Component.class);
        assertTrue(c == null || List.of(c.configurationPid()).contains(HuaweiVrpAdapterComponent.PID));
        assertEquals(4000L, defaultBase(), "the default base is 4000");
    }

    private static long defaultBase() {
        try {
            return (Long) HuaweiVrpAdapterComponent.Config.class.getMethod("tunnel_base").getDefaultValue();
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    private static HuaweiVrpAdapterComponent.Config config(long base) {
        return new HuaweiVrpAdapterComponent.Config() {
            @Override
            public long tunnel_base() {
                return base;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return HuaweiVrpAdapterComponent.Config.class;
            }
        };
    }
}
