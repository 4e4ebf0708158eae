from reportgen.commands.start import main

main()
