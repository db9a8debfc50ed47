package net.dtm.vendor.mikrotik;

import java.util.regex.Pattern;

/** Removes ANSI escape sequences (RouterOS colours its terminal output) and stray carriage returns. */
final class Ansi {

    private static final Pattern ESCAPES = Pattern.compile("\u001B\\[[0-9;?]*[ -/]*[@-~]|\u001B[@-Z\\\\-_]|\r");

    private Ansi() {
    }

    static String strip(String text) {
        return ESCAPES.matcher(text).replaceAll("");
    }
}
