package net.dtm.agent;

import java.time.Instant;
import java.util.Optional;

import net.dtm.api.DtmException.Reason;

/**
 * Why the last establishment (or renewal) attempt failed.
 *
 * @param at      when
 * @param reason  the servers' refusal reason, if every server that answered refused
 * @param message what an operator reads
 */
public record EstablishFailure(Instant at, Optional<Reason> reason, String message) {
}
