package net.dtm.protocol;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class TransactionsTest {

    @Test
    void idsAreNonZeroAndDistinct() {
        Set<Long> ids = new HashSet<>();
        boolean negative = false;
        for (int i = 0; i < 100_000; i++) {
            long id = Transactions.newId();
            assertNotEquals(0, id);
            assertTrue(ids.add(id), "repeated id " + id);
            negative |= id < 0;
        }
        assertTrue(negative, "all 64 bits are random, so about half are negative");
    }
}
