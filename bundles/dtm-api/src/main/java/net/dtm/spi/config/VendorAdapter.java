package net.dtm.spi.config;

import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A vendor adapter, published as an OSGi service with the properties below. The core picks the
 * adapter for a device from these properties alone (vendor, then model and OS version patterns,
 * then service ranking) and never branches on a vendor name. Everything an adapter can do is a
 * {@link Behaviour} asked for by type; the safe transaction around them is the core's.
 */
@ConsumerType
public interface VendorAdapter {

    /** Service property: vendor name, lowercase, e.g. {@code linux}, {@code cisco-ios} (required). */
    String PROP_VENDOR = "dtm.vendor";
    /** Service property: model patterns with {@code *} and {@code ?} (string or string array; absent = every model). */
    String PROP_MODELS = "dtm.vendor.models";
    /** Service property: OS version prefixes served, e.g. {@code 17.} (string or string array; absent = every version). */
    String PROP_OS_VERSIONS = "dtm.vendor.os.versions";

    /** The vendor name, equal to the {@link #PROP_VENDOR} property. */
    String vendor();

    /**
     * The behaviour of {@code type} this adapter offers, or empty. The default offers every
     * behaviour this object implements.
     */
    default <B extends Behaviour> Optional<B> behaviour(Class<B> type) {
        return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
    }

    /**
     * Opens a session to {@code target}.
     *
     * @throws ConfigException if the device cannot be reached or logged into
     */
    ConfigSession open(DeviceTarget target) throws ConfigException;
}
