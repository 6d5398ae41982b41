"""One-tap SOS (今すぐ助けが必要): alert the desk at once, details later on the same case."""
