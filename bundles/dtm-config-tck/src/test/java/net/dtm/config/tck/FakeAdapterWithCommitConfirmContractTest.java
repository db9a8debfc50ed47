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

/** The contract against the fake with the device's own commit-confirm timer and without WireGuard, on WireGuard-less GRE. */
class FakeAdapterWithCommitConfirmContractTest extends VendorAdapterContract {

    private final FakeAdapter adapter = new FakeAdapter(new FakeDevice()).withCommitConfirm().withoutWireGuard();

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
        return Samples.of(type, "dtmtck1");
    }

    @Override
    protected TunnelType liveType() {
        return TunnelType.GRE;
    }
}
