# Schemas that cannot be used stop the tool at start with exit 2 and a
# clear message, before reading any input.
echo '{}' >in
expect_exit 2 hs-validate --schema missing.json in 2>err
expect_grep "cannot open 'missing.json'" err
echo '{"type":' >bad.json
expect_exit 2 hs-validate --schema bad.json in 2>err
expect_grep "bad schema 'bad.json'" err
echo '{"$ref":"#/$defs/nothing"}' >ref.json
expect_exit 2 hs-validate --schema ref.json in 2>err
expect_grep "cannot resolve \$ref '#/\$defs/nothing'" err
echo '{"$ref":"https://schemas.example.com/x.json"}' >remote.json
expect_exit 2 hs-validate --schema remote.json in 2>err
expect_grep "network is never used" err
echo '{"$schema":"https://example.com/my-dialect","type":"object"}' >dialect.json
expect_exit 2 hs-validate --schema dialect.json in 2>err
expect_grep "unknown dialect" err
echo '{"pattern":"(unclosed"}' >re.json
expect_exit 2 hs-validate --schema re.json in 2>err
expect_grep "bad regular expression" err
echo '{"minLength":-1}' >kw.json
expect_exit 2 hs-validate --schema kw.json in 2>err
expect_grep "minLength must be a non-negative integer" err
