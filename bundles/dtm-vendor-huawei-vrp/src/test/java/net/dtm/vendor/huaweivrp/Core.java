package net.dtm.vendor.huaweivrp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import net.dtm.api.config.Transaction;
import net.dtm.config.ConfigSettings;
import net.dtm.config.ConfigurationManager;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.VendorAdapter;

/** The DTM core's configuration manager over one adapter, probe off, as the contract suite runs it. */
final class Core implements AutoCloseable {

    final ConfigurationManager manager;

    Core(VendorAdapter adapter) {
        try {
            Path dir = Files.createTempDirectory("dtm-vrp-core-");
            manager = ConfigurationManager.create(ConfigSettings.defaults(dir).withProbe(false)
                    .withOperatorTimeout(Duration.ofSeconds(60)), 2);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        manager.addAdapter(adapter, Map.of(VendorAdapter.PROP_VENDOR, HuaweiVrpAdapter.VENDOR));
    }

    Transaction set(DeviceTarget target, TunnelIntent intent) throws Exception {
        return manager.setIntent(intent.name(), intent.role(), "vrp-1", target, Optional.of(intent), "test").get(60, TimeUnit.SECONDS);
    }

    Transaction remove(String name) throws Exception {
        return manager.removeEnd(name, "test").get(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        manager.close();
    }
}
