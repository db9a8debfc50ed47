package net.dtm.vendor.mikrotik;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

import net.dtm.api.TunnelType;
import net.dtm.config.tck.VendorAdapterContract;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.VendorAdapter;

/**
 * The adapter contract through the core's own transaction, with the RouterOS emulator behind a real
 * SSH server as the live device (a fresh one per test).
 */
class MikrotikAdapterContractTest extends VendorAdapterContract {

    private Lab lab;
    private MikrotikAdapter adapter;

    /** Stops the emulator after the suite's own clean-up, which still needs the device. */
    @RegisterExtension
    final AfterEachCallback stopLab = context -> {
        if (lab != null) {
            lab.close();
            lab = null;
        }
    };

    private Lab lab() {
        if (lab == null) {
            try {
                lab = new Lab(Files.createTempDirectory("mikrotik-contract"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            adapter = lab.adapter();
        }
        return lab;
    }

    @Override
    protected VendorAdapter adapter() {
        lab();
        return adapter;
    }

    @Override
    protected Map<String, Object> serviceProperties() {
        Map<String, Object> props = new java.util.HashMap<>();
        var d = MikrotikAdapterComponent.properties(new MikrotikAdapter(lab().connector));
        for (var keys = d.keys(); keys.hasMoreElements();) {
            String k = keys.nextElement();
            props.put(k, d.get(k));
        }
        return props;
    }

    @Override
    protected Optional<DeviceTarget> liveDevice() {
        return Optional.of(lab().target());
    }

    @Override
    protected TunnelIntent sampleIntent(TunnelType type) {
        return Lab.sample(type);
    }

}
