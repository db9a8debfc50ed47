package net.dtm.pool;

import net.dtm.api.DeviceId;

/** A device's binding in one pool, as a key of this node's in-memory maps. */
record LeaseKey(String pool, DeviceId device) {
}
