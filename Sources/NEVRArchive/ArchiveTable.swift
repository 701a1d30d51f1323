import Foundation

/// Rows of an archive query with their column names, and their three spellings: an aligned
/// text table, JSON lines (one object per row) and CSV (RFC 4180).
public struct ArchiveTable: Hashable, Sendable {
    /// Column names, in order.
    public var columns: [String]
    /// Rows; each has one value per column.
    public var rows: [[ArchiveValue]]

    /// Creates a table.
    public init(columns: [String], rows: [[ArchiveValue]] = []) {
        self.columns = columns
        self.rows = rows
    }

    /// The output spellings of a table.
    public enum Format: String, Sendable, CaseIterable {
        /// Aligned columns with a header line.
        case table
        /// One JSON object per row and line.
        case json
        /// Comma-separated values with a header line.
        case csv
    }

    /// This table, or for a result without rows (whose column names some drivers do not
    /// report), an empty table with `columns`.
    public func named(_ columns: [String]) -> ArchiveTable {
        rows.isEmpty ? ArchiveTable(columns: columns) : self
    }

    /// The value of `column` in row `row`, or `nil` when there is no such column.
    public func value(_ column: String, row: Int) -> ArchiveValue? {
        guard let index = columns.firstIndex(of: column), rows.indices.contains(row) else { return nil }
        return rows[row][index]
    }

    /// The table spelled in `format`, ending with a newline when it has any line.
    public func rendered(_ format: Format) -> String {
        switch format {
        case .table: return textTable()
        case .json: return rows.map { jsonObject($0) + "\n" }.joined()
        case .csv:
            var out = columns.map(Self.csvField).joined(separator: ",") + "\n"
            for row in rows { out += row.map { Self.csvField($0.text) }.joined(separator: ",") + "\n" }
            return out
        }
    }

    /// One row as a JSON object (numbers as numbers, `NULL` as `null`).
    public func jsonObject(_ row: [ArchiveValue]) -> String {
        var parts: [String] = []
        for (name, value) in zip(columns, row) {
            let spelled: String
            switch value {
            case .int(let v): spelled = String(v)
            case .double(let v): spelled = v.isFinite ? String(v) : "null"
            case .text(let v): spelled = Self.jsonString(v)
            case .null: spelled = "null"
            }
            parts.append(Self.jsonString(name) + ":" + spelled)
        }
        return "{" + parts.joined(separator: ",") + "}"
    }

    /// All rows as one JSON array of objects.
    public func jsonArray() -> String {
        "[" + rows.map(jsonObject).joined(separator: ",") + "]"
    }

    private func textTable() -> String {
        let cells = rows.map { $0.map { $0.text.replacingOccurrences(of: "\n", with: " ") } }
        var widths = columns.map(\.count)
        for row in cells { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], min(cell.count, 60)) } }
        func line(_ fields: [String]) -> String {
            var out = ""
            for (i, field) in fields.enumerated() {
                let cut = field.count > 60 ? String(field.prefix(59)) + "…" : field
                out += i == fields.count - 1 ? cut : cut.padding(toLength: widths[i], withPad: " ", startingAt: 0) + "  "
            }
            return out + "\n"
        }
        return line(columns) + cells.map(line).joined()
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `text` as a JSON string literal (quotes, backslashes and control characters escaped).
    public static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}
