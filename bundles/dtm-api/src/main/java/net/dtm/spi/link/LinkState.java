package net.dtm.spi.link;

/** Usability of a link. */
public enum LinkState {
    /** Usable. */
    UP,
    /** Usable but impaired (the transport may prefer others). */
    DEGRADED,
    /** Not usable. */
    DOWN
}
