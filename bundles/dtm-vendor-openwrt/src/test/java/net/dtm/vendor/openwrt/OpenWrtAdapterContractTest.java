package net.dtm.vendor.openwrt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import net.dtm.api.TunnelType;
import net.dtm.config.tck.VendorAdapterContract;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.VendorAdapter;

/** The adapter contract, live against the emulated router over SSH (probing disabled by the suite). */
class OpenWrtAdapterContractTest extends VendorAdapterContract {

    private static Path dir;
    private static OpenWrtLab lab;

    @BeforeAll
    static void startDevice() throws Exception {
        dir = Files.createTempDirectory("openwrt-contract");
        lab = new OpenWrtLab(dir);
    }

    @AfterAll
    static void stopDevice() {
        lab.close();
        assertEquals(java.util.List.of(), lab.device.injections(), "a command reached the shell with a metacharacter");
    }

    @Override
    protected VendorAdapter adapter() {
        return lab.adapter;
    }

    @Override
    protected Map<String, Object> serviceProperties() {
        return Map.of(VendorAdapter.PROP_VENDOR, OpenWrtAdapter.VENDOR, VendorAdapter.PROP_OS_VERSIONS,
                OpenWrtAdapter.OS_VERSIONS);
    }

    @Override
    protected Optional<DeviceTarget> liveDevice() {
        return Optional.of(lab.target());
    }

    @Override
    protected TunnelIntent sampleIntent(TunnelType type) {
        return OpenWrtLab.sample(type);
    }

    @Override
    protected void resetLiveDevice() {
        // timers of an unfinished test fall due; nothing else to reset: the suite removes the sample
        lab.clock.advance(java.time.Duration.ofMinutes(10));
    }
}
