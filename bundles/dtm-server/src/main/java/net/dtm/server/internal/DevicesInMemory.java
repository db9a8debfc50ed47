package net.dtm.server.internal;

import net.dtm.api.DeviceId;

/**
 * A device registry that can tell, from memory alone, whether it holds a device: what the
 * {@link DatagramScreen} asks on the receiving thread, where nothing may wait for the store.
 * {@link DeviceManager} implements it over its cache, which a node fills with every enrolled device
 * when it starts.
 */
public interface DevicesInMemory {

    /** Whether the device's record is in memory now (preloaded, or read since); never reads the store. */
    boolean inMemory(DeviceId id);
}
