package net.dtm.config.tck;

import java.util.Map;
import java.util.Optional;

import net.dtm.api.TunnelType;
import net.dtm.config.fake.FakeAdapter;
import net.dtm.config.fake.FakeDevice;
import net.dtm.config.fake.Samples;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.VendorAdapter;

/**
 * The contract against dtm-config's in-memory fake device, live tests included: by default through
 * the fake's adapter as given (a variant of it) with the properties it publishes; samples of each type
 * on the interface named in the constructor.
 */
abstract class OnFakeDevice extends VendorAdapterContract {

    final FakeAdapter fake;
    final FakeDevice device;
    private final String interfaceName;

    OnFakeDevice(FakeAdapter fake, String interfaceName) {
        this.fake = fake;
        this.device = fake.device();
        this.interfaceName = interfaceName;
    }

    @Override
    protected VendorAdapter adapter() {
        return fake;
    }

    @Override
    protected Map<String, Object> serviceProperties() {
        return fake.properties();
    }

    @Override
    protected Optional<DeviceTarget> liveDevice() {
        return Optional.of(DeviceTarget.local(FakeAdapter.VENDOR));
    }

    @Override
    protected TunnelIntent sampleIntent(TunnelType type) {
        return Samples.of(type, interfaceName);
    }
}
