// Placeholder until the CLI lands in the foundation commit.
int main() { return 2; }
