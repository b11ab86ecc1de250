package dev.cutover.cli.internal;

import dev.cutover.flags.spi.AuditText;
import java.io.PrintWriter;
import java.util.List;

/**
 * Prints rows as left-aligned columns separated by two spaces; the last column is not padded.
 * Every cell goes through {@link AuditText#oneLine}, so a value holding a newline, a carriage
 * return, a tab, a line separator or a bidirectional control (an audit reason may) is shown
 * escaped on its own row and can never fake another row or column.
 */
final class Table {
    private Table() {}

    static void print(PrintWriter out, List<String[]> rows) {
        int columns = rows.get(0).length;
        String[][] cells = new String[rows.size()][];
        int[] width = new int[columns];
        for (int r = 0; r < rows.size(); r++) {
            cells[r] = new String[columns];
            for (int i = 0; i < columns; i++) {
                cells[r][i] = AuditText.oneLine(rows.get(r)[i]);
                width[i] = Math.max(width[i], cells[r][i].length());
            }
        }
        for (String[] row : cells) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(row[i]);
                if (i < columns - 1) {
                    line.append(" ".repeat(width[i] - row[i].length() + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
