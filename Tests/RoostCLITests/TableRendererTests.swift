import Testing

@testable import roost

@Suite struct TableRendererTests {
    /// The table of shared/reference/lxc-traces/decoded/02-list.txt, byte for byte.
    @Test func matchesLxcList() {
        let text = TableRenderer.render(
            headers: ["NAME", "STATE", "IPV4", "IPV6", "TYPE", "SNAPSHOTS"],
            rows: [
                ["c0", "STOPPED", "", "", "CONTAINER", "0"],
                ["x1", "RUNNING", "", "", "CONTAINER", "0"],
            ])
        let expected = """
            +------+---------+------+------+-----------+-----------+
            | NAME |  STATE  | IPV4 | IPV6 |   TYPE    | SNAPSHOTS |
            +------+---------+------+------+-----------+-----------+
            | c0   | STOPPED |      |      | CONTAINER | 0         |
            +------+---------+------+------+-----------+-----------+
            | x1   | RUNNING |      |      | CONTAINER | 0         |
            +------+---------+------+------+-----------+-----------+

            """
        #expect(text == expected)
    }

    @Test func emptyTableHasHeaderOnly() {
        let expected = """
            +------+
            | NAME |
            +------+

            """
        #expect(TableRenderer.render(headers: ["NAME"], rows: []) == expected)
    }

    @Test func multiLineCellsGrowTheRow() {
        let text = TableRenderer.render(headers: ["NAME", "IPV4"], rows: [["c1", "10.0.0.2 (eth0)\n10.0.0.1 (eth1)"]])
        let expected = """
            +------+-----------------+
            | NAME |      IPV4       |
            +------+-----------------+
            | c1   | 10.0.0.2 (eth0) |
            |      | 10.0.0.1 (eth1) |
            +------+-----------------+

            """
        #expect(text == expected)
    }

    @Test func headersAreFormattedLikeTablewriter() {
        #expect(TableRenderer.title("user.comment") == "USER COMMENT")
        #expect(TableRenderer.title("used_by") == "USED BY")
    }

    @Test func csvQuotesLikeGo() {
        #expect(
            CSVRenderer.render(rows: [["c1", "RUNNING", "a,b", "say \"hi\"", " lead", ""]])
                == "c1,RUNNING,\"a,b\",\"say \"\"hi\"\"\",\" lead\",\n")
        #expect(CSVRenderer.render(rows: [["x", "1\n2"]]) == "x,\"1\n2\"\n")
    }

    @Test func naturalOrder() {
        let names = ["c10", "c2", "b", "c1", "a10", "a9"]
        #expect(names.sorted(by: NaturalOrder.less) == ["a9", "a10", "b", "c1", "c2", "c10"])
    }
}
