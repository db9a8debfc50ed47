package net.dtm.config.fake;

import java.util.Optional;

import net.dtm.spi.config.Behaviour;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.VendorAdapter;

/** Passes everything to another adapter, so a test can break or change one part of it in a subclass. */
public class ForwardingAdapter implements VendorAdapter {

    private final VendorAdapter inner;

    public ForwardingAdapter(VendorAdapter inner) {
        this.inner = inner;
    }

    @Override
    public String vendor() {
        return inner.vendor();
    }

    @Override
    public <B extends Behaviour> Optional<B> behaviour(Class<B> type) {
        return inner.behaviour(type);
    }

    @Override
    public ConfigSession open(DeviceTarget target) throws ConfigException {
        return inner.open(target);
    }
}
