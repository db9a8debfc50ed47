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

/** The contract against dtm-config's in-memory fake device, live tests included. */
class FakeAdapterContractTest extends VendorAdapterContract {

    private final FakeAdapter adapter = new FakeAdapter(new FakeDevice());

    @Override
    protected VendorAdapter adapter() {
        return adapter;
    }

    @Override
    protected Map<String, Object> serviceProperties() {
        return adapter.properties();
    }

    @Override
    protected Optional<DeviceTarget> liveDevice() {
        return Optional.of(DeviceTarget.local(FakeAdapter.VENDOR));
    }

    @Override
    protected TunnelIntent sampleIntent(TunnelType type) {
        return Samples.of(type, "dtmtck0");
    }
}
