package net.dtm.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Block arithmetic of large IPv6 pools at the 2^62, 2^63 and 2^64 boundaries: a block beyond the
 * pool's usable blocks is never assignable, whatever its offset's low 64 bits say.
 */
class PoolIpv6BoundaryTest {

    /** A /56 of single addresses: 2^72 addresses, of which the first 2^62 blocks are handed out. */
    private static final Pool WIDE = Pool.of("wide", "2001:db8:0:100::/56", 3600);
    /** A /32 delegating /96 prefixes: 2^64 blocks, of which the first 2^62 are handed out. */
    private static final Pool DELEGATING = Pool.of("deleg", "2001:db8::/32", 3600).withDelegatedLength(96);

    private static InetAddress block(Pool pool, BigInteger offset) {
        int blockBits = pool.prefix().addressBits() - pool.delegatedLength();
        return pool.prefix().addressAt(offset.shiftLeft(blockBits));
    }

    private static BigInteger two(int exponent) {
        return BigInteger.ONE.shiftLeft(exponent);
    }

    @Test
    void onlyTheFirst2To62BlocksAreAssignableAndNothingWrapsAround() {
        for (Pool pool : List.of(WIDE, DELEGATING)) {
            assertTrue(pool.isAssignable(block(pool, BigInteger.valueOf(2))), pool.name());
            assertTrue(pool.isAssignable(block(pool, two(62).subtract(BigInteger.ONE))), pool.name() + " last block");
            for (BigInteger beyond : List.of(two(62), two(63), two(63).add(BigInteger.valueOf(5)),
                    two(64).subtract(BigInteger.ONE))) {
                assertFalse(pool.isAssignable(block(pool, beyond)), pool.name() + " block " + beyond);
            }
        }
        // 2^64 + 5 truncates to 5 in 64 bits: it must not pass as block 5
        for (BigInteger wraps : List.of(two(64), two(64).add(BigInteger.valueOf(5)), two(65).add(BigInteger.valueOf(7)))) {
            assertFalse(WIDE.isAssignable(block(WIDE, wraps)), "block " + wraps);
        }
    }

    @Test
    void anExclusionBeyondTheUsableBlocksIsClippedNotAnError() throws Exception {
        InetAddress first = block(WIDE, two(63));
        InetAddress last = block(WIDE, two(63).add(BigInteger.TEN));
        Pool pool = WIDE.withExcluded(List.of(new AddressRange(first, last)));
        assertEquals(List.of(), pool.excludedBlocks(), "nothing of it is handed out anyway");
        assertEquals(0, pool.excludedCount());
        InetAddress straddleFirst = block(WIDE, two(62).subtract(BigInteger.valueOf(3)));
        Pool straddling = WIDE.withExcluded(List.of(new AddressRange(straddleFirst, block(WIDE, two(64).add(BigInteger.ONE)))));
        List<long[]> blocks = straddling.excludedBlocks();
        assertEquals(1, blocks.size());
        assertEquals((1L << 62) - 3, blocks.get(0)[0]);
        assertEquals(1L << 62, blocks.get(0)[1]);
    }

    @Test
    void theBlockOfAnAddressIsExactForEveryOffset() {
        InetAddress inside = DELEGATING.prefix().addressAt(two(32).multiply(BigInteger.valueOf(7)).add(BigInteger.valueOf(99)));
        assertEquals(block(DELEGATING, BigInteger.valueOf(7)), DELEGATING.blockStart(inside));
        InetAddress far = DELEGATING.prefix().addressAt(two(32).multiply(two(63)).add(BigInteger.ONE));
        assertEquals(block(DELEGATING, two(63)), DELEGATING.blockStart(far));
        assertFalse(DELEGATING.isAssignable(DELEGATING.blockStart(far)));
    }
}
