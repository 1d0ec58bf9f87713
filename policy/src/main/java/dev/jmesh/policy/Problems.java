package dev.jmesh.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

/** Collects errors and warnings of one parse, so every problem is reported, not just the first. */
final class Problems {

    // Validation visits keys in dispatch order, not always file order (missing keys are
    // found after a mapping was walked); sorting by position restores file order.
    private static final Comparator<ConfigProblem> FILE_ORDER =
            Comparator.comparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column);

    private final String source;
    private final List<ConfigProblem> errors = new ArrayList<>();
    private final List<ConfigProblem> warnings = new ArrayList<>();

    Problems(String source) {
        this.source = source;
    }

    void error(Node at, String message) {
        error(at.getStartMark(), message);
    }

    void error(Mark at, String message) {
        // SnakeYAML marks are 0-based; editors and humans count from 1.
        errorAt(at.getLine() + 1, at.getColumn() + 1, message);
    }

    /** An error without a position in the text (line and column 0), e.g. an I/O failure. */
    void errorAt(int line, int column, String message) {
        errors.add(new ConfigProblem(source, line, column, message));
    }

    void warning(Node at, String message) {
        Mark mark = at.getStartMark();
        warnings.add(new ConfigProblem(source, mark.getLine() + 1, mark.getColumn() + 1, message));
    }

    /** Lets a section check whether it added errors, i.e. whether its parts are safe to assemble. */
    int errorCount() {
        return errors.size();
    }

    /** The errors so far, in file order. */
    List<ConfigProblem> errors() {
        List<ConfigProblem> sorted = new ArrayList<>(errors);
        sorted.sort(FILE_ORDER);
        return sorted;
    }

    ParseResult result(MeshConfig config) {
        List<ConfigProblem> sortedErrors = new ArrayList<>(errors);
        List<ConfigProblem> sortedWarnings = new ArrayList<>(warnings);
        sortedErrors.sort(FILE_ORDER); // stable: same-position problems keep their order
        sortedWarnings.sort(FILE_ORDER);
        return new ParseResult(sortedErrors.isEmpty() ? config : null, sortedErrors, sortedWarnings);
    }
}
