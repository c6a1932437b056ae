from sample_data.cli import main

raise SystemExit(main())
