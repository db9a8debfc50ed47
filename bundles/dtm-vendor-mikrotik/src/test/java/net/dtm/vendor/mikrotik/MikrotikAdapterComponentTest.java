package net.dtm.vendor.mikrotik;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.Dictionary;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import net.dtm.spi.config.CommitConfirmBehaviour;
import net.dtm.spi.config.VendorAdapter;
import net.dtm.spi.config.ssh.SshConnector;

/** The component registers the plain adapter with the vendor and OS version properties, and withdraws it. */
class MikrotikAdapterComponentTest {

    @Test
    void registersTheAdapterForRouterOs7AndUnregistersOnDeactivate() {
        AtomicReference<Object> service = new AtomicReference<>();
        AtomicReference<Dictionary<?, ?>> props = new AtomicReference<>();
        AtomicBoolean unregistered = new AtomicBoolean();
        ServiceRegistration<?> registration = (ServiceRegistration<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> {
                    if (m.getName().equals("unregister")) {
                        unregistered.set(true);
                    }
                    return null;
                });
        BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BundleContext.class}, (p, m, a) -> {
                    if (m.getName().equals("registerService") && a[0] == VendorAdapter.class) {
                        service.set(a[1]);
                        props.set((Dictionary<?, ?>) a[2]);
                        return registration;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        SshConnector connector = target -> {
            throw new AssertionError("registering must not connect");
        };
        MikrotikAdapterComponent component = new MikrotikAdapterComponent(context, connector);
        VendorAdapter adapter = assertInstanceOf(MikrotikAdapter.class, service.get());
        assertEquals("mikrotik", props.get().get(VendorAdapter.PROP_VENDOR));
        assertEquals("7.", props.get().get(VendorAdapter.PROP_OS_VERSIONS));
        assertTrue(adapter.behaviour(CommitConfirmBehaviour.class).isPresent(), "safe mode is the device's rollback net");
        component.deactivate();
        assertTrue(unregistered.get());
    }
}
