package net.dtm.benchmark.flood;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.LongAdder;

import net.dtm.spi.store.DeviceStore;

/** A {@link DeviceStore} decorator that counts the reads of one device ({@code find}). */
final class CountingDeviceStore {

    final LongAdder finds = new LongAdder();
    final DeviceStore store;

    CountingDeviceStore(DeviceStore delegate) {
        this.store = (DeviceStore) Proxy.newProxyInstance(DeviceStore.class.getClassLoader(),
                new Class<?>[] {DeviceStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("find")) {
                        finds.increment();
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
