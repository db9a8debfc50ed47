package net.dtm.spi.store;

/** The store cannot be reached or cannot guarantee the lock right now; nothing was changed. */
public class StoreUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
