fn main() -> std::process::ExitCode {
    certportal::cli::main()
}
