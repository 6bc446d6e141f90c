// The ADF converters are plugin code (plugins link only the SDK); their table tests compile
// the same sources into this test executable.
#include "plugins/jira/adf_from_markdown.cpp"
#include "plugins/jira/adf_to_markdown.cpp"
