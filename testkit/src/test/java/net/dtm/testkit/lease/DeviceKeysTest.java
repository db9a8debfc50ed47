package net.dtm.testkit.lease;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceId;

class DeviceKeysTest {

    @Test
    void idsAreZeroPaddedToNineDigitsAndLongerNumbersKeepAllTheirDigits() {
        assertEquals(DeviceId.of("dev-000000000"), DeviceKeys.id("dev", 0));
        assertEquals(DeviceId.of("dev-000012345"), DeviceKeys.id("dev", 12345));
        assertEquals(DeviceId.of("x-1234567890"), DeviceKeys.id("x", 1234567890L));
        assertThrows(IllegalArgumentException.class, () -> DeviceKeys.id("dev", -1));
        List<DeviceId> ids = DeviceKeys.ids("t", 3);
        assertEquals(List.of(DeviceKeys.id("t", 0), DeviceKeys.id("t", 1), DeviceKeys.id("t", 2)), ids);
        assertThrows(IndexOutOfBoundsException.class, () -> ids.get(3));
    }

    @Test
    void keysAre32BytesAndDependOnSeedAndDeviceOnly() {
        DeviceId d = DeviceKeys.id("dev", 7);
        byte[] k = DeviceKeys.key(1, d);
        assertEquals(32, k.length);
        assertArrayEquals(k, DeviceKeys.key(1, DeviceId.of("dev-000000007")));
        assertFalse(Arrays.equals(k, DeviceKeys.key(2, d)));
        assertFalse(Arrays.equals(k, DeviceKeys.key(1, DeviceKeys.id("dev", 8))));
        assertArrayEquals(k, DeviceKeys.keys(1, List.of(d)).get(d));
    }
}
