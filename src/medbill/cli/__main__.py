from medbill.cli import main

main()
