package net.dtm.vendor.linux;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A scripted {@link CommandRunner}: each rule answers the commands whose command line (argv joined
 * by spaces) it matches, the first matching rule wins; a command no rule matches fails the test.
 * Every command is recorded.
 */
final class FakeRunner implements CommandRunner {

    /** What a rule answers. */
    @FunctionalInterface
    interface Answer {
        Result answer(Command command) throws IOException, TimeoutException;
    }

    private record Rule(Predicate<String> matches, Answer answer) {
    }

    private final List<Rule> rules = new ArrayList<>();
    final List<Command> commands = new ArrayList<>();

    /** Answers commands whose line starts with {@code prefix}. */
    FakeRunner on(String prefix, Answer answer) {
        rules.add(new Rule(line -> line.startsWith(prefix), answer));
        return this;
    }

    /** Answers commands whose line starts with {@code prefix} with exit 0 and {@code stdout}. */
    FakeRunner ok(String prefix, String stdout) {
        return on(prefix, c -> new Result(0, stdout, ""));
    }

    /** Answers commands whose line starts with {@code prefix} with {@code exit} and {@code stderr}. */
    FakeRunner fail(String prefix, int exit, String stderr) {
        return on(prefix, c -> new Result(exit, "", stderr));
    }

    @Override
    public Result run(Command command) throws IOException, TimeoutException {
        commands.add(command);
        String line = command.display();
        for (Rule r : rules) {
            if (r.matches.test(line)) {
                return r.answer.answer(command);
            }
        }
        throw new AssertionError("unexpected command: " + line);
    }

    /** The recorded command lines. */
    List<String> lines() {
        return commands.stream().map(Command::display).toList();
    }
}
