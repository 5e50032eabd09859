// Lets a portable library be declared before its first source lands.
