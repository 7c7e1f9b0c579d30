// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import java.io.Reader;
import org.apache.calcite.sql.parser.SqlAbstractParserImpl;
import org.apache.calcite.sql.parser.SqlParserImplFactory;
import org.apache.calcite.sql.parser.impl.SimpleCharStream;
import org.apache.calcite.sql.parser.impl.SqlParserImpl;
import org.apache.calcite.sql.parser.impl.SqlParserImplTokenManager;
import org.apache.calcite.sql.parser.impl.Token;
import org.apache.calcite.util.SourceStringReader;

/**
 * Calcite's own parser over SQL that {@link FieldNameRewriter} rewrote, with every token's columns mapped back
 * to the user's text: parse errors, validation errors and node positions all point at what the user wrote.
 */
final class MappedSqlParser extends SqlParserImpl {
    private final CharStream stream;

    private MappedSqlParser(CharStream stream, PositionMap positions) {
        super(new MappingTokenManager(stream, positions));
        this.stream = stream;
    }

    /** The parser factory for one rewritten statement. */
    static SqlParserImplFactory factory(PositionMap positions) {
        return new SqlParserImplFactory() {
            @Override
            public SqlAbstractParserImpl getParser(Reader reader) {
                String sql = reader instanceof SourceStringReader s ? s.getSourceString() : null;
                CharStream stream = new CharStream(reader, Math.max(4096, sql == null ? 0 : sql.length()));
                MappedSqlParser parser = new MappedSqlParser(stream, positions);
                if (sql != null) {
                    parser.setOriginalSql(sql);
                }
                return parser;
            }
        };
    }

    @Override
    public void setTabSize(int tabSize) {
        stream.tabSize(tabSize);
    }

    /** Calcite's character stream, with its tab size settable from here. */
    private static final class CharStream extends SimpleCharStream {
        CharStream(Reader reader, int bufferSize) {
            super(reader, 1, 1, bufferSize);
        }

        void tabSize(int n) {
            setTabSize(n);
        }
    }

    /** Calcite's token manager, with columns mapped to the user's text. */
    private static final class MappingTokenManager extends SqlParserImplTokenManager {
        private final PositionMap positions;

        MappingTokenManager(SimpleCharStream stream, PositionMap positions) {
            super(stream);
            this.positions = positions;
        }

        @Override
        public Token getNextToken() {
            Token t = super.getNextToken();
            t.beginColumn = positions.originalColumn(t.beginLine, t.beginColumn);
            t.endColumn = positions.originalColumn(t.endLine, t.endColumn);
            return t;
        }
    }
}
