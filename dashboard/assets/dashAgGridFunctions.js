// Functions the data grids call by name (dash-ag-grid looks them up in window.dashAgGridFunctions).
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

// A CSV cell that a spreadsheet would run as a formula gets a leading apostrophe (as /api/v1/…/.csv does):
// text starting with = + - @ tab or carriage return. Numbers stay numbers.
dagfuncs.neutraliseFormula = function (params) {
    var value = params.value;
    if (typeof value === "string" && /^[=+\-@\t\r]/.test(value)) {
        return "'" + value;
    }
    return value;
};
