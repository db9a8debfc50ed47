package net.dtm.store.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceId;
import net.dtm.spi.store.DeviceStore;

/**
 * When the device watch tells listeners to resync. Curator's persistent watch is set at its start
 * and again on the connection event that may follow, with no loss in between; a resync then would
 * make every device a node read at start stale, and each would be read from the store again on
 * its first request (the cluster benchmark's first node did that for all 280,000 of its devices).
 */
class ZkDevicesResyncTest {

    @Test
    void listenersResyncWhenTheWatchIsFirstSetAndAfterALostConnectionOnly() {
        try (CuratorFramework unstarted = CuratorFrameworkFactory.newClient("127.0.0.1:1", new RetryOneTime(1))) {
            ZkDevices devices = new ZkDevices(new ZkAccess(unstarted, 1_000));
            AtomicInteger resyncs = new AtomicInteger();
            devices.addListener(new DeviceStore.Listener() {
                @Override
                public void changed(DeviceId id) {
                }

                @Override
                public void resynced() {
                    resyncs.incrementAndGet();
                }
            }, 1_000);

            devices.loaded();
            assertEquals(1, resyncs.get(), "the watch set for the first time: what came before it is unknown");
            devices.loaded();
            assertEquals(1, resyncs.get(), "set again while connected all along: nothing was missed");
            devices.disconnected();
            devices.loaded();
            assertEquals(2, resyncs.get(), "set again after a lost connection: changes may have gone unreported");
            devices.loaded();
            assertEquals(2, resyncs.get());
        }
    }
}
