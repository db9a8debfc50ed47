package net.dtm.config;

import java.util.Objects;
import java.util.Optional;

import net.dtm.api.config.Transaction;
import net.dtm.spi.config.TunnelIntent;

/**
 * One history entry: the transaction as operators see it, and the full intent it applied so a
 * rollback to this entry can rebuild it exactly.
 *
 * @param transaction the entry
 * @param intent      the intent applied (empty for a removal)
 */
public record HistoryEntry(Transaction transaction, Optional<TunnelIntent> intent) {
    public HistoryEntry {
        Objects.requireNonNull(transaction, "transaction");
        Objects.requireNonNull(intent, "intent");
    }
}
