package net.dtm.testkit.dataplane;

/** The lab could not do or observe what a step needs; the message says what and carries the logs. */
public final class LabException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    LabException(String message) {
        super(message);
    }
}
